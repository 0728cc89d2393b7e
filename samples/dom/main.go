// dom writes into its page: the browser lane's sample. `gowasm serve samples/dom` serves it
// with live reload; edit the message, save, and the page shows the new one.
package main

import (
	"fmt"
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
	fmt.Println("wrote:", message)
}
