module gowasm.example/gobench

go 1.21
