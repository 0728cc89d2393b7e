// hello prints a greeting and its arguments: the smallest edit-compile-run loop.
package main

import (
	"fmt"
	"os"
	"runtime"
)

func main() {
	fmt.Printf("Hello from Go on %s/%s!\n", runtime.GOOS, runtime.GOARCH)
	for i, arg := range os.Args[1:] {
		fmt.Printf("arg %d: %s\n", i+1, arg)
	}
}
