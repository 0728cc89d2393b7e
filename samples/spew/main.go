// spew writes N MiB (default 100) of numbered 64-byte lines to stdout: in 64 KiB blocks through
// a bufio.Writer, or with "lines" one write per line as fmt.Println does. It measures what a
// runtime's stdout plumbing costs.
package main

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
)

func main() {
	mib := 100
	if len(os.Args) > 1 {
		v, err := strconv.Atoi(os.Args[1])
		if err != nil || v < 0 {
			fmt.Fprintln(os.Stderr, "usage: spew [MiB] [lines|blocks]")
			os.Exit(1)
		}
		mib = v
	}
	perLine := len(os.Args) > 2 && os.Args[2] == "lines"
	var out interface{ Write([]byte) (int, error) } = os.Stdout
	var buffered *bufio.Writer
	if !perLine {
		buffered = bufio.NewWriterSize(os.Stdout, 64*1024)
		out = buffered
	}
	line := []byte("line 0000000000 abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUV\n")[:64]
	line[63] = '\n'
	lines := mib * 1024 * 1024 / len(line)
	for i := 0; i < lines; i++ {
		n := i
		for d := 14; d >= 5; d-- {
			line[d] = byte('0' + n%10)
			n /= 10
		}
		if _, err := out.Write(line); err != nil {
			fmt.Fprintln(os.Stderr, "spew:", err)
			os.Exit(1)
		}
	}
	if buffered != nil {
		if err := buffered.Flush(); err != nil {
			fmt.Fprintln(os.Stderr, "spew:", err)
			os.Exit(1)
		}
	}
}
