module example.com/rosterconsumer

go 1.26.0

require roster.dev/clients/go v1.0.0
