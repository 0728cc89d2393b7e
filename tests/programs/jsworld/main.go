// jsworld exercises what a Go program does outside a browser, the same way under every host:
// gowasm's tests build it natively, for wasip1 and for js (Go and TinyGo), and compare outputs.
package main

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"
	"time"
)

type point struct {
	X, Y int
	Tag  string `json:"tag,omitempty"`
}

func main() {
	fmt.Println("hello, world")

	ages := map[string]int{"carol": 35, "alice": 30, "bob": 25}
	fmt.Println("map:", ages)

	names := []string{"pear", "fig", "apple", "kiwi"}
	sort.Strings(names)
	fmt.Println("sorted:", names)

	var b strings.Builder
	for i := 0; i < 3; i++ {
		fmt.Fprintf(&b, "[%d]", i*i)
	}
	fmt.Println("builder:", b.String())

	results := make(chan int)
	var wg sync.WaitGroup
	for w := 1; w <= 4; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			sum := 0
			for i := 1; i <= w*1000; i++ {
				sum += i % 7
			}
			results <- sum
		}(w)
	}
	go func() { wg.Wait(); close(results) }()
	total := 0
	for s := range results {
		total += s
	}
	fmt.Println("goroutines:", total)

	start := time.Now()
	time.Sleep(30 * time.Millisecond)
	slept := time.Since(start)
	fmt.Println("slept at least 30ms:", slept >= 30*time.Millisecond, "and under 5s:", slept < 5*time.Second)
	fmt.Println("year after 2020:", time.Now().Year() > 2020)

	timer := time.NewTimer(50 * time.Millisecond)
	ticks := 0
	ticker := time.NewTicker(2 * time.Millisecond)
	for done := false; !done; {
		select {
		case <-ticker.C:
			ticks++
		case <-timer.C:
			done = true
		}
	}
	ticker.Stop()
	fmt.Println("ticker ticked:", ticks > 0)

	fmt.Println("callback:", callback(20, 22))

	buf := make([]byte, 32)
	if _, err := rand.Read(buf); err != nil {
		fmt.Println("rand error:", err)
	}
	zero := 0
	for _, c := range buf {
		if c == 0 {
			zero++
		}
	}
	fmt.Println("random bytes:", len(buf), "mostly nonzero:", zero < 8)

	data, err := json.Marshal([]point{{1, 2, "a"}, {3, 4, ""}})
	fmt.Println("json:", string(data), err)
	var back []point
	err = json.Unmarshal(data, &back)
	fmt.Println("json back:", back, err)

	fmt.Fprintln(os.Stderr, "to stderr")
	fmt.Println("bye")
}
