module dom

go 1.21
