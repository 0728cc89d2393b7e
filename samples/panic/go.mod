module gowasm.example/panic

go 1.21
