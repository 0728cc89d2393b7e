// forever never ends: it prints a numbered tick every 100 ms, to try timeouts and cancelling.
package main

import (
	"fmt"
	"time"
)

func main() {
	for i := 1; ; i++ {
		fmt.Printf("tick %d\n", i)
		time.Sleep(100 * time.Millisecond)
	}
}
