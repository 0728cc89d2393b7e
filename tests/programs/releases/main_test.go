package main

import (
	"os"
	"path/filepath"
	"testing"
)

// TestFiles writes into a temporary folder and lists it: what `go test` of a package does
// through the exec links, in the JS host as in WASI.
func TestFiles(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "a.txt"), []byte("a"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o700); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 2 || entries[0].Name() != "a.txt" || !entries[1].IsDir() {
		t.Fatalf("entries: %v", entries)
	}
	if _, err := os.ReadDir(filepath.Join(dir, "a.txt")); err == nil {
		t.Fatal("ReadDir of a file succeeded")
	}
}
