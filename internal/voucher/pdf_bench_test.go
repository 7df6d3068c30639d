package voucher_test

import (
	"context"
	"fmt"
	"runtime"
	"sync/atomic"
	"testing"

	"github.com/ccp-partner/portal/internal/issuer"
)

// BenchmarkOrderPDF renders the voucher PDF of an order, one code a page,
// in Japanese: time per PDF, its size, and the peak heap while it runs
// (sampled every 5 ms after a GC; the benchmark's own database pool and
// data are in it too). Goal for 1,000 codes: ≤ 500 ms, and memory that
// does not grow with the codes beyond the document itself: compare the
// peak heap of 10 and 1,000 codes with their PDFs' sizes.
func BenchmarkOrderPDF(b *testing.B) {
	e := newEnv(b)
	ctx := context.Background()
	e.svc.Issuer = &issuer.Store{DB: e.pool, Clock: e.clock}
	setCreditLimitTB(b, e, 10_000_000_000)
	for _, n := range []int{10, 1000} {
		id, _, err := e.svc.Create(ctx, 1, order(gsid(n, 1, 0)), acme)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("codes=%d", n), func(b *testing.B) {
			runtime.GC()
			var peak atomic.Uint64
			stop := make(chan struct{})
			go sampleHeap(&peak, stop)
			b.ReportAllocs()
			var size int64
			for b.Loop() {
				w := &sizeWriter{}
				if err := e.svc.OrderPDF(ctx, w, 1, id, "ja"); err != nil {
					b.Fatal(err)
				}
				size = w.n
			}
			close(stop)
			b.ReportMetric(float64(size)/(1<<20), "pdf-MiB")
			b.ReportMetric(float64(peak.Load())/(1<<20), "peak-heap-MiB")
		})
	}
}

type sizeWriter struct{ n int64 }

func (w *sizeWriter) Write(p []byte) (int, error) { w.n += int64(len(p)); return len(p), nil }
