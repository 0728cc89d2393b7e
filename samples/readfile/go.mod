module gowasm.example/readfile

go 1.21
