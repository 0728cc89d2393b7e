// reactor is a WebAssembly reactor: no main to run, but functions the host calls, built with
// -buildmode=c-shared (gowasm does that when it sees //go:wasmexport). State lives between calls.
//
//	gowasm run samples/reactor --invoke 'add 2 3' --invoke total
package main

import "fmt"

var total int32

//go:wasmexport add
func add(a, b int32) int32 {
	total += a + b
	return a + b
}

//go:wasmexport total
func getTotal() int32 { return total }

//go:wasmexport fib
func fib(n int32) int64 {
	if n < 2 {
		return int64(n)
	}
	return fib(n-1) + fib(n-2)
}

//go:wasmexport half
func half(x float64) float32 { return float32(x / 2) }

//go:wasmexport hello
func hello() { fmt.Println("hello from an export, total", total) }

//go:wasmexport at
func at(i int32) int32 {
	values := []int32{1, 2, 3}
	return values[i]
}

var never = make(chan int32)

// wait blocks: nothing else can send while the host waits for the call to return.
//
//go:wasmexport wait
func wait() int32 { return <-never }

func main() {}
