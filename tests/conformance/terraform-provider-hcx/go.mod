module hcxconformance

go 1.19
