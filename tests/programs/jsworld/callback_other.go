//go:build !js

package main

// callback is the plain sum where there is no JavaScript to call back through.
func callback(a, b int) int { return a + b }
