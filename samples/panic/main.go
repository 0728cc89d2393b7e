// panic indexes past the end of a slice: Go prints a goroutine trace and exits with status 2.
package main

import (
	"fmt"
	"os"
)

func pick(items []string, i int) string {
	return items[i]
}

func main() {
	items := []string{"a", "b", "c"}
	fmt.Println("picking", len(items)+len(os.Args))
	fmt.Println(pick(items, len(items)+len(os.Args)-1))
}
