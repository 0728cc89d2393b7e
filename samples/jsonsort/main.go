// jsonsort exercises fmt, strings, sort and encoding/json: it ranks words and prints them as JSON.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"
)

const text = `the quick brown fox jumps over the lazy dog the dog barks
and the fox runs quick as the wind over the hill and far away`

type wordCount struct {
	Word  string `json:"word"`
	Count int    `json:"count"`
}

func main() {
	counts := map[string]int{}
	for _, w := range strings.Fields(text) {
		counts[strings.ToLower(w)]++
	}
	ranked := make([]wordCount, 0, len(counts))
	for w, c := range counts {
		ranked = append(ranked, wordCount{w, c})
	}
	sort.Slice(ranked, func(i, j int) bool {
		if ranked[i].Count != ranked[j].Count {
			return ranked[i].Count > ranked[j].Count
		}
		return ranked[i].Word < ranked[j].Word
	})
	out, err := json.MarshalIndent(ranked[:5], "", "  ")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println(string(out))
	var back []wordCount
	if err := json.Unmarshal(out, &back); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Printf("round trip: %d words, top %q x%d\n", len(back), back[0].Word, back[0].Count)
	fmt.Println(strings.Repeat("=", 20))
}
