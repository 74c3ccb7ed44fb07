package termtext

import (
	"strings"
	"testing"
)

func BenchmarkSanitize(b *testing.B) {
	inputs := []struct {
		name string
		s    string
	}{
		{"ascii_clean", "shopify-eu-production (connector 42)"},
		{"unicode_clean", "Café 東京 👩‍💻 Ünïcödé shop"},
		{"hostile", strings.Join(hostile(), " ")},
	}
	for _, in := range inputs {
		b.Run(in.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(in.s)))
			for b.Loop() {
				Sanitize(in.s)
			}
		})
	}
}

func BenchmarkTruncate(b *testing.B) {
	inputs := []struct {
		name  string
		s     string
		width int
	}{
		{"ascii_fits", "shopify-eu-production", 30},
		{"ascii_cut", "shopify-eu-production (connector 42)", 20},
		{"cjk_fits", "東京の店舗 tokyo", 30},
		{"cjk_cut", "東京の店舗東京の店舗東京の店舗", 15},
		{"emoji_cut", "👩‍💻👨‍👩‍👧‍👦🇫🇷😀👩‍💻👨‍👩‍👧‍👦🇫🇷😀", 9},
		{"long_ascii_cut", strings.Repeat("x", 1<<20), 20},
	}
	for _, in := range inputs {
		b.Run(in.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				Truncate(in.s, in.width)
			}
		})
	}
}

func BenchmarkPadRight(b *testing.B) {
	inputs := []struct {
		name  string
		s     string
		width int
	}{
		{"ascii_exact", "shopify-eu", 10},
		{"ascii_pad", "shopify-eu", 30},
		{"ascii_cut", "shopify-eu-production (connector 42)", 20},
		{"cjk_pad", "東京の店舗", 30},
	}
	for _, in := range inputs {
		b.Run(in.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				PadRight(in.s, in.width)
			}
		})
	}
}

// BenchmarkFrame500 is one View() of a 500-row connector table: four
// sanitized cells a row padded into their columns.
func BenchmarkFrame500(b *testing.B) {
	row := []string{"shopify-eu-production", "shopify", "ok", "01J8ZQ4V6M3X9K2C7B5N1T0RDE"}
	widths := []int{20, 10, 8, 26}
	b.ReportAllocs()
	for b.Loop() {
		for range 500 {
			for i, cell := range row {
				PadRight(Sanitize(cell), widths[i])
			}
		}
	}
}
