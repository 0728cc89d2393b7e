module gowasm.example/jsonsort

go 1.21
