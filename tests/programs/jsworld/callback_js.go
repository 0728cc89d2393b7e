//go:build js

package main

import "syscall/js"

// callback adds through a js.FuncOf that JavaScript calls back: Go → JS → Go.
func callback(a, b int) int {
	add := js.FuncOf(func(this js.Value, args []js.Value) any {
		return args[0].Int() + args[1].Int()
	})
	defer add.Release()
	js.Global().Set("goAdd", add)
	return js.Global().Call("goAdd", a, b).Int()
}
