// gobench is a suite of Go workloads in one module, for timing runtimes against each other:
// `gobench WORKLOAD [SIZE]` runs one and prints a line that depends on every step of it, so
// every runtime can be checked to compute the same answer. `gobench exit` returns at once
// (start-up alone); `gobench list` names the workloads.
package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
)

type workload struct {
	name string
	size int // the default size: 0.1–1 s in aot
	what string
	run  func(n int) string
}

var workloads = []workload{
	{"fib", 35, "recursive calls, integer", func(n int) string { return strconv.Itoa(fib(n)) }},
	{"nbody", 4_000_000, "float arithmetic", nbody},
	{"sieve", 40_000_000, "integer loops over a slice", sieve},
	{"sha256", 64, "hashing MiB of data, bit operations", hashing},
	{"json", 20_000, "encoding/json both ways, reflection and allocation", jsonRoundTrip},
	{"sort", 1_000_000, "sorting ints and strings", sorting},
	{"words", 300_000, "word counting: strings and maps", words},
	{"trees", 14, "binary trees: allocation and GC", trees},
	{"chan", 1_000_000, "goroutines passing values over channels", channels},
}

func main() {
	if len(os.Args) < 2 || os.Args[1] == "list" {
		for _, w := range workloads {
			fmt.Printf("%-7s %10d  %s\n", w.name, w.size, w.what)
		}
		return
	}
	if os.Args[1] == "exit" {
		return
	}
	for _, w := range workloads {
		if w.name != os.Args[1] {
			continue
		}
		n := w.size
		if len(os.Args) > 2 {
			v, err := strconv.Atoi(os.Args[2])
			if err != nil {
				fmt.Fprintf(os.Stderr, "gobench: size %q is not a number\n", os.Args[2])
				os.Exit(2)
			}
			n = v
		}
		fmt.Printf("%s %d: %s\n", w.name, n, w.run(n))
		return
	}
	fmt.Fprintf(os.Stderr, "gobench: no workload %q (try `gobench list`)\n", os.Args[1])
	os.Exit(2)
}

func fib(n int) int {
	if n < 2 {
		return n
	}
	return fib(n-1) + fib(n-2)
}

type body struct{ x, y, z, vx, vy, vz, mass float64 }

func nbody(steps int) string {
	const solarMass = 4 * math.Pi * math.Pi
	const daysPerYear = 365.24
	bodies := []body{
		{0, 0, 0, 0, 0, 0, solarMass},
		{4.84143144246472090e+00, -1.16032004402742839e+00, -1.03622044471123109e-01,
			1.66007664274403694e-03 * daysPerYear, 7.69901118419740425e-03 * daysPerYear,
			-6.90460016972063023e-05 * daysPerYear, 9.54791938424326609e-04 * solarMass},
		{8.34336671824457987e+00, 4.12479856412430479e+00, -4.03523417114321381e-01,
			-2.76742510726862411e-03 * daysPerYear, 4.99852801234917238e-03 * daysPerYear,
			2.30417297573763929e-05 * daysPerYear, 2.85885980666130812e-04 * solarMass},
		{1.28943695621391310e+01, -1.51111514016986312e+01, -2.23307578892655734e-01,
			2.96460137564761618e-03 * daysPerYear, 2.37847173959480950e-03 * daysPerYear,
			-2.96589568540237556e-05 * daysPerYear, 4.36624404335156298e-05 * solarMass},
		{1.53796971148509165e+01, -2.59193146099879641e+01, 1.79258772950371181e-01,
			2.68067772490389322e-03 * daysPerYear, 1.62824170038242295e-03 * daysPerYear,
			-9.51592254519715870e-05 * daysPerYear, 5.15138902046611451e-05 * solarMass},
	}
	var px, py, pz float64
	for _, b := range bodies {
		px += b.vx * b.mass
		py += b.vy * b.mass
		pz += b.vz * b.mass
	}
	bodies[0].vx, bodies[0].vy, bodies[0].vz = -px/solarMass, -py/solarMass, -pz/solarMass
	const dt = 0.01
	for s := 0; s < steps; s++ {
		for i := range bodies {
			bi := &bodies[i]
			for j := i + 1; j < len(bodies); j++ {
				bj := &bodies[j]
				dx, dy, dz := bi.x-bj.x, bi.y-bj.y, bi.z-bj.z
				d2 := dx*dx + dy*dy + dz*dz
				mag := dt / (d2 * math.Sqrt(d2))
				bi.vx -= dx * bj.mass * mag
				bi.vy -= dy * bj.mass * mag
				bi.vz -= dz * bj.mass * mag
				bj.vx += dx * bi.mass * mag
				bj.vy += dy * bi.mass * mag
				bj.vz += dz * bi.mass * mag
			}
		}
		for i := range bodies {
			b := &bodies[i]
			b.x += dt * b.vx
			b.y += dt * b.vy
			b.z += dt * b.vz
		}
	}
	e := 0.0
	for i, b := range bodies {
		e += 0.5 * b.mass * (b.vx*b.vx + b.vy*b.vy + b.vz*b.vz)
		for _, c := range bodies[i+1:] {
			dx, dy, dz := b.x-c.x, b.y-c.y, b.z-c.z
			e -= b.mass * c.mass / math.Sqrt(dx*dx+dy*dy+dz*dz)
		}
	}
	return fmt.Sprintf("energy %.9f", e)
}

func sieve(limit int) string {
	composite := make([]bool, limit+1)
	count := 0
	for i := 2; i <= limit; i++ {
		if composite[i] {
			continue
		}
		count++
		if i > limit/i {
			continue
		}
		for j := i * i; j <= limit; j += i {
			composite[j] = true
		}
	}
	return fmt.Sprintf("%d primes", count)
}

// hashing hashes n MiB of generated data, a chain of digests over 4 KiB blocks.
func hashing(mib int) string {
	block := make([]byte, 4096)
	var x uint32 = 2463534242
	for i := range block {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		block[i] = byte(x)
	}
	h := sha256.New()
	var sum [32]byte
	for i := 0; i < mib*256; i++ {
		block[i%len(block)] ^= sum[i%32]
		h.Write(block)
		h.Sum(sum[:0])
	}
	return hex.EncodeToString(h.Sum(nil))
}

type record struct {
	ID     int               `json:"id"`
	Name   string            `json:"name"`
	Score  float64           `json:"score"`
	Tags   []string          `json:"tags"`
	Attrs  map[string]string `json:"attrs"`
	Active bool              `json:"active"`
}

func jsonRoundTrip(n int) string {
	records := make([]record, n)
	for i := range records {
		records[i] = record{
			ID:     i,
			Name:   "record-" + strconv.Itoa(i*7919%n),
			Score:  float64(i%1000) / 7,
			Tags:   []string{"a" + strconv.Itoa(i%13), "b" + strconv.Itoa(i%17)},
			Attrs:  map[string]string{"k": strconv.Itoa(i % 101), "parity": strconv.Itoa(i % 2)},
			Active: i%3 == 0,
		}
	}
	data, err := json.Marshal(records)
	if err != nil {
		return err.Error()
	}
	var back []record
	if err := json.Unmarshal(data, &back); err != nil {
		return err.Error()
	}
	total := 0.0
	active := 0
	for _, r := range back {
		total += r.Score
		if r.Active {
			active++
		}
	}
	return fmt.Sprintf("%d bytes, %d active, score %.3f", len(data), active, total)
}

func sorting(n int) string {
	ints := make([]int, n)
	var x uint64 = 88172645463325252
	for i := range ints {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		ints[i] = int(x % 1_000_000_007)
	}
	strs := make([]string, n/4)
	for i := range strs {
		strs[i] = strconv.FormatInt(int64(ints[i]), 36)
	}
	sort.Ints(ints)
	sort.Strings(strs)
	sum := 0
	for i := 0; i < len(ints); i += len(ints)/1000 + 1 {
		sum += ints[i] % 1000
	}
	return fmt.Sprintf("median %d, checksum %d, first %s, last %s", ints[n/2], sum, strs[0], strs[len(strs)-1])
}

func words(n int) string {
	vocabulary := strings.Fields(`the quick brown fox jumps over lazy dog go wasm module
		runtime compile interpret package import function memory table export garbage
		collector goroutine channel select defer panic recover slice map string`)
	var text strings.Builder
	var x uint32 = 1
	for i := 0; i < n; i++ {
		x = x*1103515245 + 12345
		text.WriteString(vocabulary[(x>>16)%uint32(len(vocabulary))])
		if (x>>8)%7 == 0 {
			text.WriteString(strconv.Itoa(int(x>>20) % 500))
		}
		text.WriteByte(' ')
	}
	counts := map[string]int{}
	for _, w := range strings.Fields(text.String()) {
		counts[strings.ToUpper(w)]++
	}
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if counts[keys[i]] != counts[keys[j]] {
			return counts[keys[i]] > counts[keys[j]]
		}
		return keys[i] < keys[j]
	})
	return fmt.Sprintf("%d distinct, top %s=%d %s=%d", len(keys), keys[0], counts[keys[0]], keys[1], counts[keys[1]])
}

type node struct{ left, right *node }

func build(depth int) *node {
	if depth == 0 {
		return &node{}
	}
	return &node{build(depth - 1), build(depth - 1)}
}

func (n *node) check() int {
	if n.left == nil {
		return 1
	}
	return 1 + n.left.check() + n.right.check()
}

func trees(maxDepth int) string {
	long := build(maxDepth)
	total := 0
	for d := 4; d <= maxDepth; d += 2 {
		iterations := 1 << (maxDepth - d + 4)
		for i := 0; i < iterations; i++ {
			total += build(d).check()
		}
	}
	return fmt.Sprintf("checked %d nodes, long-lived %d", total, long.check())
}

// channels runs a pipeline of goroutines: a producer, four workers squaring numbers, a summer.
func channels(n int) string {
	in := make(chan int, 64)
	out := make(chan int, 64)
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for v := range in {
				out <- v * v % 1_000_003
			}
		}()
	}
	go func() {
		for i := 0; i < n; i++ {
			in <- i
		}
		close(in)
	}()
	go func() {
		wg.Wait()
		close(out)
	}()
	sum := 0
	for v := range out {
		sum += v
	}
	return fmt.Sprintf("sum %d", sum)
}
