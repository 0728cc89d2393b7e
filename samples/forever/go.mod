module gowasm.example/forever

go 1.21
