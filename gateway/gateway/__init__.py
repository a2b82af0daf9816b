"""EduCRM gateway: the only public entry (REST/JSON) in front of the services' gRPC APIs."""
