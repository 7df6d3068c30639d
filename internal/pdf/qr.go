package pdf

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"hash/crc32"

	"rsc.io/qr"
	"rsc.io/qr/coding"
)

// QRScale is how many image pixels a QR module takes (rsc.io/qr's default).
const QRScale = 4

// QR draws QR codes (error correction level M) as 1-bit grayscale PNG
// images, the same pixels as qr.Encode(text, qr.M).PNG(): a module is
// QRScale pixels square and a 4-module white border surrounds the code.
// It is meant for documents with many codes: each QR version's plan is
// computed once, the buffers and the compressor are reused, and the image
// is compressed as a whole (about half the size of rsc.io/qr's). The PNG
// returned is valid until the next call. A QR is not safe for concurrent
// use.
type QR struct {
	plans map[coding.Version]*coding.Plan
	raw   []byte // the image's scanlines, each with its filter byte
	idat  bytes.Buffer
	zw    *zlib.Writer
	png   bytes.Buffer
}

// PNG returns text as a QR code image.
func (q *QR) PNG(text string) ([]byte, error) {
	code, err := q.encode(text)
	if err != nil {
		return nil, err
	}
	side := (code.Size + 8) * QRScale
	rowBytes := (side + 7) / 8
	q.raw = q.raw[:0]
	for y := -4; y < code.Size+4; y++ {
		start := len(q.raw)
		q.raw = append(q.raw, 0) // filter: none
		q.raw = appendRow(q.raw, code, y, rowBytes)
		for range QRScale - 1 {
			q.raw = append(q.raw, q.raw[start:start+1+rowBytes]...)
		}
	}
	q.idat.Reset()
	if q.zw == nil {
		q.zw, _ = zlib.NewWriterLevel(&q.idat, zlib.BestSpeed)
	} else {
		q.zw.Reset(&q.idat)
	}
	if _, err := q.zw.Write(q.raw); err != nil {
		return nil, err
	}
	if err := q.zw.Close(); err != nil {
		return nil, err
	}
	q.png.Reset()
	q.png.WriteString("\x89PNG\r\n\x1a\n")
	var ihdr [13]byte
	binary.BigEndian.PutUint32(ihdr[0:], uint32(side))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(side))
	ihdr[8] = 1 // bit depth; colour type 0 (gray), deflate, no filter, no interlace
	q.chunk("IHDR", ihdr[:])
	q.chunk("IDAT", q.idat.Bytes())
	q.chunk("IEND", nil)
	return q.png.Bytes(), nil
}

// appendRow appends the pixels of module row y (white is 1), QRScale bits a module.
func appendRow(buf []byte, c *coding.Code, y, rowBytes int) []byte {
	start := len(buf)
	buf = append(buf, make([]byte, rowBytes)...)
	row := buf[start:]
	for i := range row {
		row[i] = 0xff
	}
	if y < 0 || y >= c.Size {
		return buf
	}
	for x := range c.Size {
		if c.Bitmap[y*c.Stride+x/8]&(1<<uint(7-x&7)) == 0 {
			continue
		}
		for p := (x + 4) * QRScale; p < (x+5)*QRScale; p++ {
			row[p/8] &^= 1 << uint(7-p&7)
		}
	}
	return buf
}

func (q *QR) chunk(name string, data []byte) {
	var b [4]byte
	binary.BigEndian.PutUint32(b[:], uint32(len(data)))
	q.png.Write(b[:])
	crc := crc32.NewIEEE()
	crc.Write([]byte(name))
	crc.Write(data)
	q.png.WriteString(name)
	q.png.Write(data)
	binary.BigEndian.PutUint32(b[:], crc.Sum32())
	q.png.Write(b[:])
}

// encode is qr.Encode(text, qr.M) with the plan of each version kept.
func (q *QR) encode(text string) (*coding.Code, error) {
	var enc coding.Encoding = coding.String(text)
	switch {
	case coding.Num(text).Check() == nil:
		enc = coding.Num(text)
	case coding.Alpha(text).Check() == nil:
		enc = coding.Alpha(text)
	}
	level := coding.Level(qr.M)
	version := coding.Version(coding.MinVersion)
	for ; enc.Bits(version) > version.DataBytes(level)*8; version++ {
		if version == coding.MaxVersion {
			return nil, errors.New("pdf: text too long for a QR code")
		}
	}
	plan := q.plans[version]
	if plan == nil {
		var err error
		if plan, err = coding.NewPlan(version, level, 0); err != nil {
			return nil, err
		}
		if q.plans == nil {
			q.plans = map[coding.Version]*coding.Plan{}
		}
		q.plans[version] = plan
	}
	return plan.Encode(enc)
}
