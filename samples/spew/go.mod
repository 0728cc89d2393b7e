module gowasm.example/spew

go 1.21
