package webtest

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// Browser starts headless Chromium for one test and returns its context.
// Set PORTAL_CHROMIUM to choose the binary. Browser tests are part of
// `make test`; without Chromium they fail, unless PORTAL_SKIP_BROWSER=1.
func Browser(t testing.TB) context.Context {
	t.Helper()
	if os.Getenv("PORTAL_SKIP_BROWSER") == "1" {
		t.Skip("PORTAL_SKIP_BROWSER=1")
	}
	path := os.Getenv("PORTAL_CHROMIUM")
	if path == "" {
		for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
			if p, err := exec.LookPath(name); err == nil {
				path = p
				break
			}
		}
	}
	if path == "" {
		t.Fatal("no Chromium found: install it (apt-get install chromium) or set PORTAL_SKIP_BROWSER=1")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-component-update", true),
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 900),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 60*time.Second)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	return ctx
}

// ClickAndWait clicks the element with id and waits for the page it loads.
func ClickAndWait(ctx context.Context, id string) error {
	_, err := chromedp.Run(ctx, chromedp.WaitEvent(page.LoadEventFired, nil, chromedp.Click(chromedp.ID(id))))
	return err
}

// Screenshot saves a full-page PNG as name under PORTAL_SCREENSHOTS, when
// that folder is set (to look at the pages a test went through).
func Screenshot(t testing.TB, ctx context.Context, name string) {
	dir := os.Getenv("PORTAL_SCREENSHOTS")
	if dir == "" {
		return
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Errorf("screenshot %s: %v", name, err)
		return
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		t.Error(err)
	}
}

// ClickAndWaitCSS clicks the first element sel matches and waits for the
// page it loads.
func ClickAndWaitCSS(ctx context.Context, sel string) error {
	_, err := chromedp.Run(ctx, chromedp.WaitEvent(page.LoadEventFired, nil, chromedp.Click(chromedp.CSS(sel))))
	return err
}
