module jsworld

go 1.21
