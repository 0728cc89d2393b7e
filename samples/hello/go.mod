module gowasm.example/hello

go 1.21
