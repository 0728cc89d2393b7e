// dom writes into its page: the browser lane's sample. `gowasm serve samples/dom` serves it
// with live reload; edit the message, save, and the page shows the new one.
package main

import (
	"fmt"
	"runtime"
	"syscall/js"
)

func main() {
	document := js.Global().Get("document")
	app := document.Call("getElementById", "app")
	if app.IsNull() {
		app = document.Call("createElement", "div")
		app.Set("id", "app")
		document.Get("body").Call("appendChild", app)
	}
	message := "Hello from Go, in the DOM"
	app.Set("textContent", message)
	about := document.Call("createElement", "p")
	about.Set("textContent", fmt.Sprintf("Compiled by %s %s for %s/%s.",
		runtime.Compiler, runtime.Version(), runtime.GOOS, runtime.GOARCH))
	app.Get("parentNode").Call("insertBefore", about, app.Get("nextSibling"))
	fmt.Println("wrote:", message)
}
