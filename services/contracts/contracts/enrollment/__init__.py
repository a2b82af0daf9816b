"""Generated gRPC stubs: run `make proto`, do not edit."""
