// readfile counts the lines, words and bytes of a file, which must be in a preopened directory:
//
//	gowasm run --dir samples/readfile/data::/data samples/readfile -- /data/words.txt
package main

import (
	"bufio"
	"fmt"
	"os"
	"strings"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: readfile FILE")
		os.Exit(1)
	}
	f, err := os.Open(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "readfile:", err)
		os.Exit(1)
	}
	defer f.Close()
	lines, words, bytes := 0, 0, 0
	longest := ""
	scanner := bufio.NewScanner(f)
	for scanner.Scan() {
		line := scanner.Text()
		lines++
		bytes += len(line) + 1
		for _, w := range strings.Fields(line) {
			words++
			if len(w) > len(longest) {
				longest = w
			}
		}
	}
	fmt.Printf("%d lines, %d words, %d bytes; longest word %q\n", lines, words, bytes, longest)
}
