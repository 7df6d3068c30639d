package pdf

import (
	"bytes"
	"fmt"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ccp-partner/portal/internal/clock"
)

// issued is the date of the test documents.
var issued = time.Date(2026, 11, 1, 9, 30, 0, 0, clock.Tokyo)

var statementColumns = []Column{
	{Label: "日付", Width: 22},
	{Label: "注文番号", Width: 18, Align: AlignCenter},
	{Label: "品目", Fraction: 0.3},
	{Label: "数量", Width: 12, Align: AlignRight},
	{Label: "単価", Width: 22, Align: AlignRight},
	{Label: "金額", Width: 25, Align: AlignRight},
	{Label: "備考"},
}

// invoice is a document like an invoice: header, a table of n lines,
// totals, remarks and bank details.
func invoice(n int, o Options) *Document {
	doc := NewDocument(o)
	doc.Header(Header{
		Title:  "請求書",
		Fields: []Field{{Label: "請求書番号", Value: "INV000123"}, {Label: "発行日", Value: "2026年11月1日"}},
		To: Addressee{PostalCode: "530-0001", Address: []string{"大阪府大阪市北区梅田1-2-3", "梅田スカイビル 10階"},
			Names: []string{"株式会社エース", "経理部 山田 太郎 様"}},
		From: Issuer{Name: "デジサート・ジャパン合同会社", PostalCode: "100-0005", Address: []string{"東京都千代田区丸の内1-1-1 パレスビル 5階"},
			Contact: []string{"TEL 03-1234-5678  FAX 03-1234-5679"}, Registration: "登録番号 T8010001078218"},
	})
	doc.Fields(Field{Label: "ご請求金額", Value: "¥1,094,500", Strong: true}, Field{Label: "お支払期限", Value: "2026年12月31日"})
	doc.Space(4)
	statementTable(doc, n)
	doc.Space(4)
	doc.Heading("備考")
	doc.Text("本請求書は請求明細書 STM000123 とあわせて適格請求書の記載事項を満たします。")
	doc.Heading("お振込先")
	doc.Text("三井住友銀行 丸の内支店 (店番 123)\n普通預金 1234567\nデジサート・ジャパン(ド\n振込手数料はお客様のご負担でお願いいたします。")
	return doc
}

// statementTable writes a table of n lines and its totals.
func statementTable(doc *Document, n int) {
	t := doc.Table(TableStyle{Size: 8, Zebra: true, Rules: true}, statementColumns...)
	for i := range n {
		t.Row("2026/10/01", fmt.Sprint(1000+i), "デジサート グローバル・サーバID", "1", "¥9,950", "¥9,950", fmt.Sprintf("お客様 %d", i))
	}
	doc.Space(2)
	doc.Totals(Total{Label: "小計", Value: "¥995,000"}, Total{Label: "消費税 (10%)", Value: "¥99,500"},
		Total{Label: "合計", Value: "¥1,094,500", Strong: true})
}

func render(t testing.TB, doc *Document) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := doc.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// pages is the text of each page of doc (pdftotext -layout).
func pages(t *testing.T, doc []byte) []string {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext is needed (apt-get install poppler-utils)")
	}
	var stderr bytes.Buffer
	cmd := exec.Command("pdftotext", "-layout", "-", "-")
	cmd.Stdin, cmd.Stderr = bytes.NewReader(doc), &stderr
	out, err := cmd.Output()
	if err != nil || stderr.Len() > 0 { // poppler reports syntax errors it recovers from
		t.Fatalf("pdftotext: %v %s", err, stderr.Bytes())
	}
	return strings.Split(strings.TrimSuffix(string(out), "\f"), "\f")
}

var squeeze = strings.NewReplacer(" ", "", "\n", "", "\f", "")

// TestTableBreaksPagesWithItsHeaderAndPageNumbers: 120 rows span three
// pages, each with the header row, the footer and "n / 3"; no row is lost
// or split.
func TestTableBreaksPagesWithItsHeaderAndPageNumbers(t *testing.T) {
	doc := NewDocument(Options{Date: issued, Footer: "請求書番号 INV000123", PageNumbers: true})
	doc.Heading("請求明細書")
	statementTable(doc, 120)
	text := pages(t, render(t, doc))
	if len(text) != 3 {
		t.Fatalf("%d pages, want 3", len(text))
	}
	header := regexp.MustCompile(`日付 +注文番号 +品目 +数量 +単価 +金額 +備考`)
	rows := 0
	for i, page := range text {
		if !header.MatchString(page) {
			t.Errorf("page %d lacks the header row:\n%s", i+1, page)
		}
		if !regexp.MustCompile(fmt.Sprintf(`(?m)^請求書番号 INV000123 +%d ?/ ?3\s*$`, i+1)).MatchString(page) {
			t.Errorf("page %d lacks its footer and %d / 3:\n%s", i+1, i+1, page)
		}
		rows += len(regexp.MustCompile(`(?m)^ *2026/10/01 +1\d{3} +デジサート グローバル・サーバID +1 +¥9,950 +¥9,950 +お客様 \d+$`).FindAllString(page, -1))
	}
	if rows != 120 {
		t.Errorf("%d whole rows, want 120", rows)
	}
	if !regexp.MustCompile(`合計 +¥1,094,500`).MatchString(text[2]) {
		t.Errorf("the last page lacks the totals:\n%s", text[2])
	}
}

// TestTableWrapsCellsWithoutLosingACharacter: long Japanese cells wrap in
// their column, the row growing; a cell taller than a page continues on the
// next one under the header again. Every character reads back in order.
func TestTableWrapsCellsWithoutLosingACharacter(t *testing.T) {
	long := "自動改行のテスト：デジサート グローバル・サーバID ワイルドカード（3年）、FQDN 5件とワイルドカード 2件の証明書バウチャーです。「お客様の社内管理番号」もここに入ります。"
	huge := strings.Repeat("長い備考が一ページを越えて続きます。", 60)
	doc := NewDocument(Options{Date: issued})
	tbl := doc.Table(TableStyle{Rules: true}, Column{Label: "ＮＯ", Width: 15}, Column{Label: "ＴＥＸＴ", Width: 40}, Column{Label: "ＮＯＴＥ"})
	tbl.Row("A1", long, "x")
	tbl.Row("A2", huge, "y")
	tbl.Row("A3", long, "z")
	text := pages(t, render(t, doc))
	if len(text) < 2 {
		t.Fatalf("%d pages: the tall row was not split", len(text))
	}
	for i, page := range text {
		if !strings.HasPrefix(strings.TrimSpace(page), "ＮＯ") {
			t.Errorf("page %d does not start with the header row:\n%s", i+1, page)
		}
	}
	// Keep the TEXT column: what lies between the NO and NOTE columns' texts.
	var column strings.Builder
	for _, page := range text {
		for _, line := range strings.Split(page, "\n") {
			if strings.Contains(line, "ＴＥＸＴ") {
				continue // the header, on each page
			}
			f := strings.Fields(line)
			if len(f) > 0 && regexp.MustCompile(`^A\d$`).MatchString(f[0]) {
				f = f[1:]
			}
			if len(f) > 0 && regexp.MustCompile(`^[xyz]$`).MatchString(f[len(f)-1]) {
				f = f[:len(f)-1]
			}
			column.WriteString(strings.Join(f, ""))
		}
	}
	want := squeeze.Replace(long + huge + long)
	if got := column.String(); got != want {
		t.Errorf("the wrapped cells read back as\n%s\nwant\n%s", got, want)
	}
	if n := strings.Count(text[0], "\n"); n < 40 {
		t.Errorf("the first page has %d lines: the rows did not grow with their text", n)
	}
}

// TestTextBreaksPages: a paragraph longer than a page continues on the
// next ones above the footer, every character in order.
func TestTextBreaksPages(t *testing.T) {
	text := strings.Repeat("お振込先と備考の長い段落です。", 300)
	doc := NewDocument(Options{Date: issued, Footer: "STM000123", PageNumbers: true})
	doc.Heading("備考")
	doc.Text(text)
	got := pages(t, render(t, doc))
	if len(got) < 2 {
		t.Fatalf("%d pages", len(got))
	}
	var body strings.Builder
	for i, page := range got {
		footer := fmt.Sprintf("STM000123 %d / %d", i+1, len(got))
		lines := strings.Split(strings.TrimRight(page, "\n "), "\n")
		if last := lines[len(lines)-1]; squeeze.Replace(last) != squeeze.Replace(footer) {
			t.Errorf("page %d ends with %q, not its footer", i+1, last)
		}
		body.WriteString(strings.Join(lines[:len(lines)-1], ""))
	}
	if squeeze.Replace(body.String()) != "備考"+text {
		t.Errorf("the paragraph reads back as\n%s", body.String())
	}
}

// TestSameModelSameBytes: two renders of one model are byte-identical, the
// file dates are the model's, and the trailer has no /ID.
func TestSameModelSameBytes(t *testing.T) {
	o := Options{Title: "請求書 INV000123", Date: issued, Footer: "INV000123", PageNumbers: true, Stamp: "無効 / VOID"}
	first := render(t, invoice(60, o))
	for range 3 {
		if again := render(t, invoice(60, o)); !bytes.Equal(first, again) {
			t.Fatalf("two renders differ: %d and %d bytes", len(first), len(again))
		}
	}
	if !bytes.Contains(first, []byte("/CreationDate (D:20261101093000)")) || !bytes.Contains(first, []byte("/ModDate (D:20261101093000)")) {
		t.Error("the file dates are not the model's")
	}
	trailer := first[bytes.LastIndex(first, []byte("trailer")):]
	if bytes.Contains(trailer, []byte("/ID")) {
		t.Errorf("the trailer has an /ID: %s", trailer)
	}
	if d := render(t, NewDocument(Options{})); !bytes.Contains(d, []byte("/CreationDate (D:20000101000000)")) {
		t.Error("a document without a date does not get the fixed one")
	}
}

// TestBlocksReadBack: the header, fields, totals and paragraphs read back,
// and a stamp is on every page, read as one word.
func TestBlocksReadBack(t *testing.T) {
	text := pages(t, render(t, invoice(70, Options{Date: issued, Stamp: "無効 / VOID"})))
	if len(text) < 2 {
		t.Fatalf("%d pages", len(text))
	}
	all := strings.Join(text, "\n")
	for _, want := range []string{"請求書", "請求書番号", "INV000123", "〒530-0001", "大阪府大阪市北区梅田1-2-3", "株式会社エース", "経理部 山田 太郎 様",
		"デジサート・ジャパン合同会社", "〒100-0005", "TEL 03-1234-5678", "登録番号 T8010001078218", "ご請求金額", "¥1,094,500", "お支払期限",
		"小計", "消費税 (10%)", "備考", "お振込先", "普通預金 1234567"} {
		if !strings.Contains(all, want) {
			t.Errorf("lacks %q", want)
		}
	}
	for i, page := range text {
		if !strings.Contains(page, "無効 / VOID") {
			t.Errorf("page %d lacks the stamp:\n%s", i+1, page)
		}
	}
	if plain := pages(t, render(t, invoice(70, Options{Date: issued}))); strings.Contains(strings.Join(plain, ""), "VOID") {
		t.Error("a document without a stamp has one")
	}
}

// TestTableRefusesWhatDoesNotFit: columns wider than the page, or a row
// with more cells than columns, make Write fail.
func TestTableRefusesWhatDoesNotFit(t *testing.T) {
	doc := NewDocument(Options{})
	doc.Table(TableStyle{}, Column{Label: "a", Width: 100}, Column{Label: "b", Width: 100})
	if err := doc.Write(&bytes.Buffer{}); err == nil {
		t.Error("no error for columns wider than the page")
	}
	doc = NewDocument(Options{})
	doc.Table(TableStyle{}, Column{Label: "a"}).Row("1", "2")
	if err := doc.Write(&bytes.Buffer{}); err == nil {
		t.Error("no error for a row of two cells in one column")
	}
}

// TestOneInvoicePageIsSmall: the font is subset (without its hinting), so
// a one-page invoice is within issue #8's 40 KB, not the font's 6 MB.
func TestOneInvoicePageIsSmall(t *testing.T) {
	b := render(t, invoice(10, Options{Date: issued, Footer: "INV000123", PageNumbers: true}))
	if len(b) > 40<<10 {
		t.Errorf("a one-page invoice is %d bytes", len(b))
	}
}

// BenchmarkInvoice renders a one-page invoice: goal ≤ 20 ms and ≤ 40 KB.
func BenchmarkInvoice(b *testing.B) {
	b.ReportAllocs()
	size := 0
	for b.Loop() {
		size = len(render(b, invoice(10, Options{Date: issued, Footer: "INV000123", PageNumbers: true})))
	}
	b.ReportMetric(float64(size), "pdf-bytes")
}

// BenchmarkStatement renders an itemized statement of 1,000 lines.
func BenchmarkStatement(b *testing.B) {
	b.ReportAllocs()
	size := 0
	for b.Loop() {
		size = len(render(b, invoice(1000, Options{Date: issued, Footer: "STM000123", PageNumbers: true})))
	}
	b.ReportMetric(float64(size), "pdf-bytes")
}
