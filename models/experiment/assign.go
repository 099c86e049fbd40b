package experiment

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"io"
	"math"
	"strconv"
)

// MinVariants and MaxVariants bound an experiment's variants.
const (
	MinVariants = 2
	MaxVariants = 4
)

// ErrVariants is returned for an experiment outside 2–4 variants.
var ErrVariants = errors.New("experiment: an experiment has 2 to 4 variants")

// Assigner draws variants and signs the cookies that keep them.
type Assigner struct {
	key  []byte
	rand io.Reader
}

// NewAssigner signs with key (at least 32 bytes) and draws from rnd
// (crypto/rand when nil).
func NewAssigner(key []byte, rnd io.Reader) (*Assigner, error) {
	if len(key) < 32 {
		return nil, errors.New("experiment: the signing key needs at least 32 bytes")
	}
	if rnd == nil {
		rnd = rand.Reader
	}
	return &Assigner{key: append([]byte(nil), key...), rand: rnd}, nil
}

// CookieName is the name of the cookie that keeps a visitor's variant in
// experiment id.
func CookieName(id uint64) string { return "cc_exp_" + strconv.FormatUint(id, 10) }

// Assignment is a visitor's variant and the cookie value to set.
type Assignment struct {
	Variant int    // 0 … variants−1
	Cookie  string // to send back (the same value for a returning visitor)
	New     bool   // drawn now: no valid cookie came with the visit
}

// payloadLen is the cookie's signed part: experiment id, variant, visitor.
const (
	payloadLen = 8 + 1 + 8
	tagLen     = 16
)

// Assign returns the variant a visitor of experiment id (with the given
// number of variants) sees: the one cookie names when it is valid for
// this experiment, else a fresh uniform draw.
func (a *Assigner) Assign(id uint64, variants int, cookie string) (Assignment, error) {
	if variants < MinVariants || variants > MaxVariants {
		return Assignment{}, ErrVariants
	}
	if v, ok := a.verify(id, variants, cookie); ok {
		return Assignment{Variant: v, Cookie: cookie}, nil
	}
	var visitor [8]byte
	if _, err := io.ReadFull(a.rand, visitor[:]); err != nil {
		return Assignment{}, err
	}
	v, err := a.draw(variants)
	if err != nil {
		return Assignment{}, err
	}
	return Assignment{Variant: v, Cookie: a.sign(id, v, binary.BigEndian.Uint64(visitor[:])), New: true}, nil
}

// draw is a uniform integer in [0, n): 64 random bits, redrawn when they
// fall in the last partial block (so no variant is favoured).
func (a *Assigner) draw(n int) (int, error) {
	limit := math.MaxUint64 - math.MaxUint64%uint64(n)
	var b [8]byte
	for {
		if _, err := io.ReadFull(a.rand, b[:]); err != nil {
			return 0, err
		}
		if x := binary.BigEndian.Uint64(b[:]); x < limit {
			return int(x % uint64(n)), nil
		}
	}
}

// sign encodes the payload and its tag, base64url without padding.
func (a *Assigner) sign(id uint64, variant int, visitor uint64) string {
	p := make([]byte, payloadLen, payloadLen+tagLen)
	binary.BigEndian.PutUint64(p, id)
	p[8] = byte(variant)
	binary.BigEndian.PutUint64(p[9:], visitor)
	return base64.RawURLEncoding.EncodeToString(append(p, a.tag(p)...))
}

// verify returns the variant a cookie names, if its tag verifies and it
// names this experiment and one of its variants.
func (a *Assigner) verify(id uint64, variants int, cookie string) (int, bool) {
	if cookie == "" || len(cookie) > 64 {
		return 0, false
	}
	b, err := base64.RawURLEncoding.DecodeString(cookie)
	if err != nil || len(b) != payloadLen+tagLen {
		return 0, false
	}
	p, tag := b[:payloadLen], b[payloadLen:]
	if !hmac.Equal(tag, a.tag(p)) || binary.BigEndian.Uint64(p) != id || int(p[8]) >= variants {
		return 0, false
	}
	return int(p[8]), true
}

// tag is the truncated HMAC-SHA256 of p under the key.
func (a *Assigner) tag(p []byte) []byte {
	m := hmac.New(sha256.New, a.key)
	m.Write([]byte("codecredit experiment v1\x00"))
	m.Write(p)
	return m.Sum(nil)[:tagLen]
}
