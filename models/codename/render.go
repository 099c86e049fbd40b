// Rendering a parsed rule for one affiliate, and the suffixes that tell
// apart codes that would otherwise be the same.

package codename

import (
	"crypto/rand"
	"strconv"
	"strings"
)

// Segment is a rendered part; name parts may be shortened to fit. Text
// joins a rendered rule into its code.
type Segment struct {
	text   string
	name   bool
	random int
}

// Render fills the tokens for one affiliate and shortens the
// name parts (the longest first) until the code fits in 32 characters.
// discount is what {DISCOUNT} stands for, already written as digits
// ("15" for 15%, "105" for 10.50).
func Render(parts []Part, fullName, discount string) ([]Segment, error) {
	words := strings.Fields(fullName)
	for i := range words {
		words[i] = asciiUpper(words[i])
	}
	segs := make([]Segment, 0, len(parts))
	fixed := 0
	for _, p := range parts {
		s := Segment{}
		switch p.kind {
		case partLiteral:
			s.text = p.text
		case partFirst:
			s = Segment{text: wordAt(words, 0), name: true}
		case partLast:
			if len(words) > 1 {
				s = Segment{text: words[len(words)-1], name: true}
			} else {
				s = Segment{name: true}
			}
		case partName:
			s = Segment{text: strings.Join(words, ""), name: true}
		case partDiscount:
			s.text = discount
		case partRandom:
			s = Segment{text: randomCode(p.n), random: p.n}
		}
		if !s.name {
			fixed += len(s.text)
		}
		segs = append(segs, s)
	}
	if fixed > MaxLength {
		return nil, invalidf("the template's fixed parts already make %d characters; a code holds at most %d", fixed, MaxLength)
	}
	for len(joinSegments(segs)) > MaxLength {
		longest := -1
		for i, s := range segs {
			if s.name && (longest < 0 || len(s.text) > len(segs[longest].text)) {
				longest = i
			}
		}
		segs[longest].text = segs[longest].text[:len(segs[longest].text)-1]
	}
	return segs, nil
}

func wordAt(words []string, i int) string {
	if i < len(words) {
		return words[i]
	}
	return ""
}

func joinSegments(segs []Segment) string {
	var b strings.Builder
	for _, s := range segs {
		b.WriteString(s.text)
	}
	return b.String()
}

// Reroll draws the random parts of a rendered rule again, in place.
func Reroll(segs []Segment) {
	for i := range segs {
		if segs[i].random > 0 {
			segs[i].text = randomCode(segs[i].random)
		}
	}
}

// randomCode draws n characters from RandomAlphabet with crypto/rand,
// without modulo bias.
func randomCode(n int) string {
	const size = len(RandomAlphabet)
	const limit = 256 - 256%size
	out := make([]byte, 0, n)
	buf := make([]byte, 2*n)
	for len(out) < n {
		if _, err := rand.Read(buf); err != nil {
			panic("codename: crypto/rand failed: " + err.Error())
		}
		for _, b := range buf {
			if int(b) < limit && len(out) < n {
				out = append(out, RandomAlphabet[int(b)%size])
			}
		}
	}
	return string(out)
}

// Text joins the rendered segments; - and _ at either end (a rule's
// separator next to an empty name) are dropped.
func Text(segs []Segment) string {
	return strings.Trim(joinSegments(segs), "-_")
}

// AlnumCount counts the letters and digits of a code (all but - and _).
func AlnumCount(code string) int {
	return len(code) - strings.Count(code, "-") - strings.Count(code, "_")
}

// suffixLetters are the letters a second code gets after a number: no I,
// L or O, which read as digits.
const suffixLetters = "BCDEFGHJKMNPQRSTUVWXYZ"

// collisionSuffix tells codes for the same name apart so that the suffix
// cannot be read as part of the discount: after a digit it is a letter
// (NOAH10, NOAH10B, NOAH10C, …, then two letters), after a letter a number
// (NOAH, NOAH2, NOAH3, …). n counts from 2.
func collisionSuffix(base string, n int) string {
	if base == "" || base[len(base)-1] < '0' || base[len(base)-1] > '9' {
		return strconv.Itoa(n)
	}
	var out []byte
	for k := n - 2; k >= 0; k = k/len(suffixLetters) - 1 {
		out = append([]byte{suffixLetters[k%len(suffixLetters)]}, out...)
	}
	return string(out)
}

// WithSuffix is base with the n-th collision suffix, shortened to fit.
// Shortening can change the character the suffix follows (a digit for a
// letter), so the suffix is chosen again for what is kept, and a result
// that would read as base itself is shortened further.
func WithSuffix(base string, n int) string {
	keep := base
	for {
		suffix := collisionSuffix(keep, n)
		if keep == "" || (len(keep)+len(suffix) <= MaxLength && keep+suffix != base) {
			return keep + suffix
		}
		keep = strings.TrimRight(keep[:len(keep)-1], "-_")
	}
}
