package models

import (
	"context"
	"crypto/rand"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
	"gorm.io/gorm"
)

// Generated codes: uppercase ASCII letters and digits (at least 3), with the
// - and _ of the naming rule's literal text where the store allows them;
// at most 32 characters.
const (
	MinGeneratedCode = 3
	MaxGeneratedCode = 32
)

// RandomAlphabet is what {RANDOMn} draws from: no 0, O, 1, I or L, which
// are easy to misread on a podcast ad or a printed flyer.
const RandomAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

// maxGenerateBatch caps one explicit list of affiliates to generate for.
const maxGenerateBatch = 1000

// DiscountSpec is the discount a code gives: Value is basis points for a
// percentage (1500 = 15%) and minor units of Currency for a fixed amount.
type DiscountSpec struct {
	Type     string `json:"discount_type"`
	Value    int64  `json:"discount_value"`
	Currency string `json:"currency,omitempty"`
}

// validate checks d and normalises its currency (none for a percentage).
func (d *DiscountSpec) validate() error {
	d.Currency = strings.ToUpper(strings.TrimSpace(d.Currency))
	switch d.Type {
	case DiscountPercentage:
		if d.Value < 1 || d.Value > 10000 {
			return invalidf("a percentage discount_value is in basis points, from 1 to 10000 (1500 = 15%%)")
		}
		d.Currency = ""
	case DiscountFixedAmount:
		if d.Value <= 0 {
			return invalidf("a fixed_amount discount_value must be a positive amount in minor units (1000 = 10.00)")
		}
		if d.Value > 1_000_000_000_000 {
			return invalidf("discount_value is too large")
		}
		if d.Currency == "" {
			return invalidf("currency is required for a fixed_amount discount")
		}
		if !ValidCurrency(d.Currency) {
			return invalidf("currency %q is not an ISO 4217 code", d.Currency)
		}
	default:
		return invalidf("discount_type must be %q or %q", DiscountPercentage, DiscountFixedAmount)
	}
	return nil
}

// GeneratedCode is one code a naming rule makes for an affiliate.
type GeneratedCode struct {
	AffiliateID   uint64 `json:"affiliate_id"`
	AffiliateName string `json:"affiliate_name"`
	Code          string `json:"code"`
}

// PreviewCodes shows the codes GenerateCodes would make, writing nothing.
// Random parts are drawn afresh by GenerateCodes. An empty template is the
// account's naming rule; a fixed_amount discount without currency is in the
// account's currency.
func (s *Store) PreviewCodes(ctx context.Context, accountID uint64, template string, discount DiscountSpec, affiliateIDs []uint64) ([]GeneratedCode, error) {
	return s.PreviewBatch(ctx, accountID, CodeBatch{Template: template, Discount: discount, AffiliateIDs: affiliateIDs})
}

// PreviewMissingCodes shows the codes GenerateMissingCodes would make,
// writing nothing.
func (s *Store) PreviewMissingCodes(ctx context.Context, accountID uint64, template string, discount DiscountSpec) ([]GeneratedCode, error) {
	return s.PreviewBatch(ctx, accountID, CodeBatch{Template: template, Discount: discount, AllMissing: true})
}

// GenerateCodes makes and saves one code per affiliate (source generated,
// not tied to a platform store yet), unique in the account and the batch.
// Every affiliate must be one of the account's, active, and listed once.
func (s *Store) GenerateCodes(ctx context.Context, accountID uint64, template string, discount DiscountSpec, affiliateIDs []uint64) ([]Code, error) {
	return s.GenerateBatch(ctx, accountID, CodeBatch{Template: template, Discount: discount, AffiliateIDs: affiliateIDs})
}

// GenerateMissingCodes makes a code for every active affiliate of the
// account that has no active code. None missing is an empty list.
func (s *Store) GenerateMissingCodes(ctx context.Context, accountID uint64, template string, discount DiscountSpec) ([]Code, error) {
	return s.GenerateBatch(ctx, accountID, CodeBatch{Template: template, Discount: discount, AllMissing: true})
}

// affiliatesWithoutCode lists the active affiliates with no active code.
func affiliatesWithoutCode(tx *gorm.DB, accountID uint64) ([]Affiliate, error) {
	var affs []Affiliate
	err := tx.Where("account_id = ? AND status = ?", accountID, AffiliateActive).
		Where("NOT EXISTS (SELECT 1 FROM codes WHERE codes.account_id = affiliates.account_id AND codes.affiliate_id = affiliates.id AND codes.active = ?)", true).
		Order("id").Find(&affs).Error
	return affs, err
}

// affiliatesForCodes loads the listed affiliates in the given order: all
// the account's, active, none twice.
func affiliatesForCodes(tx *gorm.DB, accountID uint64, ids []uint64) ([]Affiliate, error) {
	if len(ids) == 0 {
		return nil, invalidf("no affiliates given")
	}
	if len(ids) > maxGenerateBatch {
		return nil, invalidf("at most %d affiliates at once, got %d", maxGenerateBatch, len(ids))
	}
	seen := map[uint64]bool{}
	for _, id := range ids {
		if seen[id] {
			return nil, invalidf("affiliate %d is listed twice", id)
		}
		seen[id] = true
	}
	var rows []Affiliate
	if err := tx.Where("account_id = ? AND id IN ?", accountID, ids).Find(&rows).Error; err != nil {
		return nil, err
	}
	byID := map[uint64]Affiliate{}
	for _, a := range rows {
		byID[a.ID] = a
	}
	out := make([]Affiliate, 0, len(ids))
	for _, id := range ids {
		a, ok := byID[id]
		if !ok {
			return nil, notFound(fmt.Sprintf("affiliate %d", id))
		}
		if a.Status != AffiliateActive {
			return nil, invalidf("affiliate %d (%s) is disabled; enable it before giving it codes", a.ID, a.Name)
		}
		out = append(out, a)
	}
	return out, nil
}

// generator renders one naming rule for many affiliates, avoiding every
// code the account has and every code it already made.
type generator struct {
	template string
	parts    []namePart
	discount DiscountSpec
	taken    map[string]bool
	store    *Connection // where the codes go; nil: no store
}

func (g *generator) codesFor(affs []Affiliate) ([]GeneratedCode, error) {
	out := make([]GeneratedCode, 0, len(affs))
	for _, a := range affs {
		code, err := g.next(a)
		if err != nil {
			return nil, err
		}
		out = append(out, GeneratedCode{AffiliateID: a.ID, AffiliateName: a.Name, Code: code})
	}
	return out, nil
}

// maxRerolls bounds the random draws for one code before giving up.
const maxRerolls = 50

// next makes a free code for a: on a collision the random parts are drawn
// again, or, without random parts, a suffix that cannot be read as part of
// the discount is appended (see collisionSuffix).
func (g *generator) next(a Affiliate) (string, error) {
	segs, err := renderNamingRule(g.parts, a.Name, g.discount)
	if err != nil {
		return "", err
	}
	base := codeText(segs)
	if alnumCount(base) < MinGeneratedCode {
		return "", invalidf("template %q gives %q for affiliate %d (%s): a code needs at least %d letters or digits; add literal text or {RANDOM4}",
			g.template, base, a.ID, a.Name, MinGeneratedCode)
	}
	if hasRandom(g.parts) {
		for range maxRerolls {
			if code := codeText(segs); !g.taken[code] {
				g.taken[code] = true
				return code, nil
			}
			rerollSegments(segs)
		}
		return "", conflictf("template %q found no free code for affiliate %d (%s) in %d tries; use more random characters",
			g.template, a.ID, a.Name, maxRerolls)
	}
	for n := 1; n < 100000; n++ {
		code := base
		if n > 1 {
			code = withSuffix(base, n)
		}
		if !g.taken[code] {
			g.taken[code] = true
			return code, nil
		}
	}
	return "", conflictf("template %q found no free code for affiliate %d (%s)", g.template, a.ID, a.Name)
}

// checkNamingRule tries a template on a sample affiliate, so a rule saved
// on the account is known to work.
func checkNamingRule(template string, discount DiscountSpec) error {
	parts, err := parseNamingRule(template)
	if err != nil {
		return err
	}
	segs, err := renderNamingRule(parts, "Jane Doe", discount)
	if err != nil {
		return err
	}
	if code := codeText(segs); alnumCount(code) < MinGeneratedCode {
		return invalidf("template %q gives %q for an affiliate named Jane Doe: a code needs at least %d letters or digits",
			template, code, MinGeneratedCode)
	}
	return nil
}

// Naming-rule tokens.
const (
	partLiteral = iota
	partFirst
	partLast
	partName
	partDiscount
	partRandom
)

// namePart is one piece of a parsed naming rule: literal text (already
// reduced to uppercase ASCII letters, digits, - and _), a name or discount token,
// or a random token of n characters.
type namePart struct {
	kind int
	text string
	n    int
}

// parseNamingRule parses a template such as "SUMMER-{FIRST}{DISCOUNT}" or
// "{NAME}{RANDOM4}". Token names ignore case.
func parseNamingRule(t string) ([]namePart, error) {
	if strings.TrimSpace(t) == "" {
		return nil, invalidf("template is empty")
	}
	if utf8.RuneCountInString(t) > 100 {
		return nil, invalidf("template must be at most 100 characters")
	}
	var parts []namePart
	for rest := t; rest != ""; {
		open := strings.IndexByte(rest, '{')
		if cl := strings.IndexByte(rest, '}'); cl >= 0 && (open < 0 || cl < open) {
			return nil, invalidf("template %q has a } without its {", t)
		}
		if open < 0 {
			parts = appendLiteral(parts, rest)
			break
		}
		parts = appendLiteral(parts, rest[:open])
		end := strings.IndexByte(rest[open:], '}')
		if end < 0 {
			return nil, invalidf("template %q has a { without its }", t)
		}
		p, err := parseToken(rest[open+1 : open+end])
		if err != nil {
			return nil, err
		}
		parts = append(parts, p)
		rest = rest[open+end+1:]
	}
	return parts, nil
}

func appendLiteral(parts []namePart, s string) []namePart {
	if text := codeChars(s); text != "" {
		parts = append(parts, namePart{kind: partLiteral, text: text})
	}
	return parts
}

func parseToken(tok string) (namePart, error) {
	name := strings.ToUpper(strings.TrimSpace(tok))
	switch name {
	case "FIRST":
		return namePart{kind: partFirst}, nil
	case "LAST":
		return namePart{kind: partLast}, nil
	case "NAME":
		return namePart{kind: partName}, nil
	case "DISCOUNT":
		return namePart{kind: partDiscount}, nil
	}
	if digits, ok := strings.CutPrefix(name, "RANDOM"); ok {
		n, err := strconv.Atoi(digits)
		if err != nil || n < 1 || n > 12 {
			return namePart{}, invalidf("token {%s}: n in {RANDOMn} must be a number from 1 to 12", tok)
		}
		return namePart{kind: partRandom, n: n}, nil
	}
	return namePart{}, invalidf("unknown token {%s} in template; use {FIRST}, {LAST}, {NAME}, {DISCOUNT} or {RANDOMn} (n from 1 to 12)", tok)
}

func hasRandom(parts []namePart) bool {
	for _, p := range parts {
		if p.kind == partRandom {
			return true
		}
	}
	return false
}

// segment is a rendered part; name parts may be shortened to fit.
type segment struct {
	text   string
	name   bool
	random int
}

// renderNamingRule fills the tokens for one affiliate and shortens the
// name parts (the longest first) until the code fits in 32 characters.
func renderNamingRule(parts []namePart, fullName string, d DiscountSpec) ([]segment, error) {
	words := strings.Fields(fullName)
	for i := range words {
		words[i] = asciiUpper(words[i])
	}
	segs := make([]segment, 0, len(parts))
	fixed := 0
	for _, p := range parts {
		s := segment{}
		switch p.kind {
		case partLiteral:
			s.text = p.text
		case partFirst:
			s = segment{text: wordAt(words, 0), name: true}
		case partLast:
			if len(words) > 1 {
				s = segment{text: words[len(words)-1], name: true}
			} else {
				s = segment{name: true}
			}
		case partName:
			s = segment{text: strings.Join(words, ""), name: true}
		case partDiscount:
			s.text = discountDigits(d)
		case partRandom:
			s = segment{text: randomCode(p.n), random: p.n}
		}
		if !s.name {
			fixed += len(s.text)
		}
		segs = append(segs, s)
	}
	if fixed > MaxGeneratedCode {
		return nil, invalidf("the template's fixed parts already make %d characters; a code holds at most %d", fixed, MaxGeneratedCode)
	}
	for len(joinSegments(segs)) > MaxGeneratedCode {
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

func joinSegments(segs []segment) string {
	var b strings.Builder
	for _, s := range segs {
		b.WriteString(s.text)
	}
	return b.String()
}

func rerollSegments(segs []segment) {
	for i := range segs {
		if segs[i].random > 0 {
			segs[i].text = randomCode(segs[i].random)
		}
	}
}

// discountDigits renders the discount as digits: a whole percentage or
// whole major units as is (1500 bps → "15", 1000 USD → "10"); a fraction
// keeps its digits without the point (1250 bps → "125", 10.50 → "105").
func discountDigits(d DiscountSpec) string {
	var s string
	if d.Type == DiscountPercentage {
		s = FormatMinor(d.Value, "XXX") // two decimals: basis points as percent
	} else {
		s = FormatMinor(d.Value, d.Currency)
	}
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return strings.ReplaceAll(s, ".", "")
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
			panic("models: crypto/rand failed: " + err.Error())
		}
		for _, b := range buf {
			if int(b) < limit && len(out) < n {
				out = append(out, RandomAlphabet[int(b)%size])
			}
		}
	}
	return string(out)
}

// transliterations covers the letters that do not decompose into an ASCII
// letter and an accent.
var transliterations = map[rune]string{
	'ß': "SS", 'ẞ': "SS", 'Æ': "AE", 'æ': "AE", 'Œ': "OE", 'œ': "OE", 'Ø': "O", 'ø': "O",
	'Đ': "D", 'đ': "D", 'Ð': "D", 'ð': "D", 'Ł': "L", 'ł': "L", 'Þ': "TH", 'þ': "TH", 'ı': "I",
}

// asciiUpper reduces s to uppercase ASCII letters and digits: accents are
// dropped (é → E), a few letters are spelled out (ß → SS) and everything
// else goes.
func asciiUpper(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		switch {
		case r >= 'a' && r <= 'z':
			b.WriteRune(r - 'a' + 'A')
		case r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
			b.WriteRune(r)
		default:
			b.WriteString(transliterations[r])
		}
	}
	return b.String()
}
