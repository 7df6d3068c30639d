package voucher_test

import (
	"context"
	"fmt"
	"runtime"
	"runtime/metrics"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ccp-partner/portal/internal/issuer"
)

// BenchmarkOrderPDF renders the voucher PDF of an order, one code a page,
// in Japanese: time per PDF, its size, the peak heap while it runs
// (HeapInuse sampled every 5 ms after a GC, garbage not yet collected
// included; the benchmark's own database pool and data are in it too) and
// the peak live heap (what the last garbage collection found reachable,
// sampled likewise). Goal for 1,000 codes: ≤ 500 ms, and memory that does
// not grow with the codes beyond the document itself: compare the peaks of
// 10 and 1,000 codes with their PDFs' sizes.
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
			var peak, live atomic.Uint64
			stop := make(chan struct{})
			go sampleHeap(&peak, stop)
			go sampleLiveHeap(&live, stop)
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
			b.ReportMetric(float64(live.Load())/(1<<20), "peak-live-MiB")
		})
	}
}

// sampleLiveHeap keeps in peak the largest live heap that a garbage
// collection found, every 5 ms until stop closes.
func sampleLiveHeap(peak *atomic.Uint64, stop chan struct{}) {
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	for {
		select {
		case <-stop:
			return
		case <-time.After(5 * time.Millisecond):
			metrics.Read(s)
			if v := s[0].Value.Uint64(); v > peak.Load() {
				peak.Store(v)
			}
		}
	}
}

type sizeWriter struct{ n int64 }

func (w *sizeWriter) Write(p []byte) (int, error) { w.n += int64(len(p)); return len(p), nil }
