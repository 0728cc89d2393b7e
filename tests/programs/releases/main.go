// releases is built by every Go release the tests know (tests/go_releases.rs): what it prints
// depends on the first argument.
//
//	(none)     JSON, random bytes and the Go release, then exit 0
//	dir D      the names in folder D and the first line of D/note.txt (os.ReadDir, os.ReadFile)
//	trap       a load from an address past the end of memory, in poke
//	exit N     exit code N
package main

import (
	"bufio"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"unsafe"
)

//go:noinline
func poke(at uintptr) int {
	return *(*int)(unsafe.Pointer(at))
}

func main() {
	mode := ""
	if len(os.Args) > 1 {
		mode = os.Args[1]
	}
	switch mode {
	case "dir":
		entries, err := os.ReadDir(os.Args[2])
		if err != nil {
			fmt.Println("readdir:", err)
			os.Exit(1)
		}
		for _, e := range entries {
			fmt.Println("entry", e.Name(), e.IsDir())
		}
		f, err := os.Open(filepath.Join(os.Args[2], "note.txt"))
		if err != nil {
			fmt.Println("open:", err)
			os.Exit(1)
		}
		line, _ := bufio.NewReader(f).ReadString('\n')
		fmt.Print("note ", line)
	case "trap":
		fmt.Println(poke(0xfffffff0))
	case "exit":
		code, _ := strconv.Atoi(os.Args[2])
		os.Exit(code)
	default:
		var r [16]byte
		if _, err := rand.Read(r[:]); err != nil {
			fmt.Println("rand:", err)
			os.Exit(1)
		}
		b, _ := json.Marshal(map[string]any{"answer": 42, "random": r != [16]byte{}})
		fmt.Println(string(b), runtime.Version())
	}
}
