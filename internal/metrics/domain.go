package metrics

import "github.com/prometheus/client_golang/prometheus"

// Results of a monthly close run, for CloseRun.
const (
	CloseCompleted = "completed" // the month was closed and its documents issued
	CloseSkipped   = "skipped"   // nothing to do: already closed, or another instance holds the lock
	CloseFailed    = "failed"    // the run stopped with an error
)

// Kinds of issued documents, for DocumentIssued.
const (
	DocInvoice    = "invoice"
	DocStatement  = "statement"
	DocCreditNote = "credit_note"
	DocQuote      = "quote"
	DocVoucherPDF = "voucher_pdf"
)

func (m *Metrics) registerDomain() {
	m.closeRuns = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: namespace, Name: "close_runs_total",
		Help: "Monthly close runs, by result (completed, skipped, failed).",
	}, []string{"result"})
	m.documents = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: namespace, Name: "documents_issued_total",
		Help: "Documents issued, by kind (invoice, statement, credit_note, quote, voucher_pdf …).",
	}, []string{"kind"})
	// The known series exist from the start at 0, so that rates and alerts
	// work before the first event.
	for _, r := range []string{CloseCompleted, CloseSkipped, CloseFailed} {
		m.closeRuns.WithLabelValues(r)
	}
	for _, k := range []string{DocInvoice, DocStatement, DocCreditNote, DocQuote, DocVoucherPDF} {
		m.documents.WithLabelValues(k)
	}
	m.reg.MustRegister(m.closeRuns, m.documents)
}

// CloseRun counts one monthly close run that ended with result (one of the
// Close* constants). A domain package calls it through an interface of its
// own, e.g. `interface{ CloseRun(result string) }`.
func (m *Metrics) CloseRun(result string) {
	if m == nil {
		return
	}
	m.closeRuns.WithLabelValues(result).Inc()
}

// DocumentIssued counts one issued document of kind (one of the Doc*
// constants, or a new fixed kind: never a value taken from user input). A
// domain package calls it through an interface of its own, e.g.
// `interface{ DocumentIssued(kind string) }`.
func (m *Metrics) DocumentIssued(kind string) {
	if m == nil {
		return
	}
	m.documents.WithLabelValues(kind).Inc()
}
