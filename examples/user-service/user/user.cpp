// The user service: declares the `user` database, builds the generated client on it, and serves
// users and their pets as JSON over HTTP.
//
//   POST /users            {"name": "a8m", "age": 30}   201, the user
//   GET  /users/ID                                      200, the user
//   POST /users/ID/pets    {"name": "pedro"}            201, the pet
//   GET  /users/ID/pets                                 200, the user's pets
//
// Bad input is a 4xx with {"error": "..."} saying what to fix; any other failure is a 500 whose
// details go to the log, not to the client.
//
// Usage: user-service [--port N] [--host ADDR]. The port is --port, else $PORT, else 4000 (0: any
// free port); the address is 127.0.0.1 unless --host says otherwise. Pending migrations are
// applied before the service listens. SIGTERM or SIGINT stops it once the requests in flight
// are answered.
#include <httplib.h>
#include <signal.h>

#include <atomic>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <strata/sqldb.hpp>
#include <string>
#include <string_view>
#include <thread>

#include "ent/client.hpp"

strata::sqldb::Database& user_db =
    strata::sqldb::NewDatabase("user", {.migrations = "./migrations"});

namespace {

using nlohmann::json;

// Thrown by handlers for an answer other than success: `status` and a message for the client.
struct HttpError {
  int status;
  std::string message;
};

void Reply(httplib::Response& res, int status, const json& body) {
  res.status = status;
  res.set_content(body.dump(), "application/json");
}

// The request's body: a JSON object naming only `allowed` members.
json ParseObject(const httplib::Request& req, std::initializer_list<std::string_view> allowed) {
  json body = json::parse(req.body, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded()) throw HttpError{400, "the body is not valid JSON"};
  if (!body.is_object()) throw HttpError{400, "the body must be a JSON object"};
  for (const auto& [key, value] : body.items()) {
    bool known = false;
    for (std::string_view name : allowed) known = known || key == name;
    if (!known) throw HttpError{400, "unknown field \"" + key + "\""};
  }
  return body;
}

const json& Member(const json& body, const std::string& name) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) throw HttpError{400, "missing field \"" + name + "\""};
  return *it;
}

std::string StringField(const json& body, const std::string& name) {
  const json& v = Member(body, name);
  if (!v.is_string()) throw HttpError{400, "field \"" + name + "\" must be a string"};
  return v.get<std::string>();
}

std::int64_t IntField(const json& body, const std::string& name) {
  const json& v = Member(body, name);
  if (v.is_number_unsigned() && v.get<std::uint64_t>() > INT64_MAX) {
    throw HttpError{400, "field \"" + name + "\" is out of range"};
  }
  if (!v.is_number_integer()) throw HttpError{400, "field \"" + name + "\" must be an integer"};
  return v.get<std::int64_t>();
}

json ToJson(const ent::User& u) { return {{"id", u.id}, {"name", u.name}, {"age", u.age}}; }

json ToJson(const ent::Pet& p, ent::User::ID owner) {
  return {{"id", p.id}, {"name", p.name}, {"owner", owner}};
}

class Service {
 public:
  explicit Service(ent::Client client) : client_(std::move(client)) {}

  void Routes(httplib::Server& server) {
    server.Post("/users", Handle(&Service::CreateUser));
    server.Get(R"(/users/(\d+))", Handle(&Service::GetUser));
    server.Post(R"(/users/(\d+)/pets)", Handle(&Service::AddPet));
    server.Get(R"(/users/(\d+)/pets)", Handle(&Service::ListPets));
  }

 private:
  using Request = httplib::Request;
  using Response = httplib::Response;

  void CreateUser(const Request& req, Response& res) {
    json body = ParseObject(req, {"name", "age"});
    ent::User u = client_.User.Create()
                      .SetName(StringField(body, "name"))
                      .SetAge(IntField(body, "age"))
                      .Save();
    Reply(res, 201, ToJson(u));
  }

  void GetUser(const Request& req, Response& res) {
    Reply(res, 200, ToJson(FindUser(req.matches[1])));
  }

  void AddPet(const Request& req, Response& res) {
    json body = ParseObject(req, {"name"});
    std::string name = StringField(body, "name");
    ent::User owner = FindUser(req.matches[1]);
    try {
      ent::Pet p = client_.Pet.Create().SetName(name).SetOwnerID(owner.id).Save();
      Reply(res, 201, ToJson(p, owner.id));
    } catch (const strata::ConstraintError& e) {
      // The owner was deleted since FindUser.
      if (e.kind != strata::ConstraintError::Kind::kForeignKey) throw;
      throw HttpError{404, "user " + std::to_string(owner.id) + " not found"};
    }
  }

  void ListPets(const Request& req, Response& res) {
    ent::User owner = FindUser(req.matches[1]);
    json pets = json::array();
    for (const ent::Pet& p : client_.User.QueryPets(owner).Order(ent::pet::ByID()).All()) {
      pets.push_back(ToJson(p, owner.id));
    }
    Reply(res, 200, pets);
  }

  // A handler of the server running `method`: HttpError and the client's input errors become
  // their 4xx, anything else a 500 that is logged.
  httplib::Server::Handler Handle(void (Service::*method)(const Request&, Response&)) {
    return [this, method](const Request& req, Response& res) {
      try {
        (this->*method)(req, res);
      } catch (const HttpError& e) {
        Reply(res, e.status, {{"error", e.message}});
      } catch (const strata::ValidationError& e) {
        Reply(res, 400, {{"error", e.what()}});
      } catch (const strata::ConstraintError& e) {
        if (e.kind != strata::ConstraintError::Kind::kUnique) return Fail(req, res, e);
        Reply(res, 409, {{"error", "a value must be unique and is already taken"}});
      } catch (const std::exception& e) {
        Fail(req, res, e);
      }
    };
  }

  static void Fail(const Request& req, Response& res, const std::exception& e) {
    std::fprintf(stderr, "%s %s: %s\n", req.method.c_str(), req.path.c_str(), e.what());
    Reply(res, 500, {{"error", "internal error"}});
  }

  ent::User FindUser(const std::string& digits) {
    ent::User::ID id = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), id);
    if (ec == std::errc() && end == digits.data() + digits.size()) {
      try {
        return client_.User.Get(id);
      } catch (const strata::NotFoundError&) {
      }
    }
    throw HttpError{404, "user " + digits + " not found"};
  }

  ent::Client client_;
};

[[noreturn]] void Usage(const std::string& problem) {
  std::fprintf(stderr, "user-service: %s\nusage: user-service [--port N] [--host ADDR]\n",
               problem.c_str());
  std::exit(2);
}

int ParsePort(const std::string& text) {
  int port = -1;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), port);
  if (ec != std::errc() || end != text.data() + text.size() || port < 0 || port > 65535) {
    Usage("not a port number: \"" + text + "\"");
  }
  return port;
}

void PrintReport(const strata::sqldb::OpenReport& r) {
  std::printf("database user: %s (%s)%s\n", r.url.c_str(), r.source.c_str(),
              r.created ? ", created" : "");
  for (const std::string& note : r.notes) std::printf("database user: %s\n", note.c_str());
  for (const std::string& file : r.applied)
    std::printf("database user: applied %s\n", file.c_str());
  std::printf("database user: at version %s\n",
              r.to_version.empty() ? "none" : r.to_version.c_str());
}

}  // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  std::string host = "127.0.0.1";
  const char* env_port = std::getenv("PORT");
  int port = env_port != nullptr && *env_port != '\0' ? ParsePort(env_port) : 4000;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if ((arg == "--port" || arg == "--host") && i + 1 >= argc) Usage(arg + " needs a value");
    if (arg == "--port") {
      port = ParsePort(argv[++i]);
    } else if (arg == "--host") {
      host = argv[++i];
    } else {
      Usage("unknown argument \"" + arg + "\"");
    }
  }

  // SIGTERM and SIGINT are taken by one thread (below), not by whichever thread they hit.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  try {
    PrintReport(user_db.Open());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "user-service: the user database is not ready: %s\n", e.what());
    return 1;
  }
  Service service{ent::Client(user_db.Driver())};

  httplib::Server server;
  server.set_payload_max_length(1 << 20);
  service.Routes(server);
  // Requests no route takes (and malformed ones) get a JSON error too.
  server.set_error_handler(
      httplib::Server::HandlerWithResponse([](const httplib::Request& req, httplib::Response& res) {
        if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
        std::string error = res.status == 404   ? "no route for " + req.method + " " + req.path
                            : res.status == 413 ? "the body is too large"
                                                : "bad request";
        Reply(res, res.status, {{"error", error}});
        return httplib::Server::HandlerResponse::Handled;
      }));
  server.set_logger([](const httplib::Request& req, const httplib::Response& res) {
    std::printf("%s %s %d\n", req.method.c_str(), req.path.c_str(), res.status);
  });

  int bound = port == 0                         ? server.bind_to_any_port(host)
              : server.bind_to_port(host, port) ? port
                                                : -1;
  if (bound < 0) {
    std::fprintf(stderr, "user-service: cannot listen on %s:%d\n", host.c_str(), port);
    return 1;
  }
  std::printf("listening on http://%s:%d\n", host.c_str(), bound);

  // stop() has no effect until listen_after_bind() runs, so it is repeated until that returns.
  std::atomic<bool> done = false;
  std::thread stopper([&] {
    int signal = 0;
    sigwait(&stop_signals, &signal);
    while (!done) {
      server.stop();
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  });
  server.listen_after_bind();
  done = true;
  pthread_kill(stopper.native_handle(), SIGTERM);  // wakes the stopper when no signal came
  stopper.join();
  std::printf("stopped\n");
  return 0;
}
