module gowasm.example/fib

go 1.21
