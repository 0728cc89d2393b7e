// fib is CPU-bound: naive recursive Fibonacci plus a sieve, sized by its first argument.
package main

import (
	"fmt"
	"os"
	"strconv"
)

func fib(n int) int {
	if n < 2 {
		return n
	}
	return fib(n-1) + fib(n-2)
}

func sieve(limit int) int {
	composite := make([]bool, limit+1)
	count := 0
	for i := 2; i <= limit; i++ {
		if composite[i] {
			continue
		}
		count++
		// i*i would overflow a 32-bit int (TinyGo's) past 46 340: those i mark nothing anyway.
		if i > limit/i {
			continue
		}
		for j := i * i; j <= limit; j += i {
			composite[j] = true
		}
	}
	return count
}

func main() {
	n := 27
	if len(os.Args) > 1 {
		v, err := strconv.Atoi(os.Args[1])
		if err != nil || v < 0 || v > 45 {
			fmt.Fprintln(os.Stderr, "usage: fib [N]   (0 <= N <= 45)")
			os.Exit(1)
		}
		n = v
	}
	fmt.Printf("fib(%d) = %d\n", n, fib(n))
	fmt.Printf("primes below %d: %d\n", n*10000, sieve(n*10000))
}
