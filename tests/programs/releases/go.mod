module releases

go 1.21
