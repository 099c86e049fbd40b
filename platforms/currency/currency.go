// Package currency holds the money rules every other package uses: the
// ISO 4217 minor units, decimal amounts read and written exactly as integer
// minor units, and shares of amounts (MulDiv) with their rounding.
//
// Read currency.go (Exponent), iso4217.go (the table), decimal.go (reading
// and writing amounts and percentages), then muldiv.go (shares).
package currency

import "strings"

// exponents lists ISO 4217 currencies whose minor unit is not 1/100.
var exponents = map[string]int{
	"BIF": 0, "CLP": 0, "DJF": 0, "GNF": 0, "ISK": 0, "JPY": 0, "KMF": 0,
	"KRW": 0, "PYG": 0, "RWF": 0, "UGX": 0, "UYI": 0, "VND": 0, "VUV": 0,
	"XAF": 0, "XOF": 0, "XPF": 0,
	"BHD": 3, "IQD": 3, "JOD": 3, "KWD": 3, "LYD": 3, "OMR": 3, "TND": 3,
	"CLF": 4, "UYW": 4,
}

// Exponent is the number of decimals of a currency's minor unit (2 unless
// ISO 4217 says otherwise), whatever the case of the code.
func Exponent(code string) int {
	if e, ok := exponents[strings.ToUpper(code)]; ok {
		return e
	}
	return 2
}
