// `strata schema inspect | diff | apply | clean`: declarative schema management.
#include <fmt/format.h>

#include <chrono>
#include <memory>

#include "cli/cli.hpp"
#include "strata/error.hpp"
#include "strata/migrate/changes.hpp"
#include "strata/migrate/plan.hpp"
#include "strata/migrate/state.hpp"

namespace strata::cli {
namespace {

using migrate::Plan;

// The dialect a command works in, taken from the first database URL among `sources` (file://
// sources have none). Two URLs of different dialects are an error.
Dialect DialectOf(std::initializer_list<std::string_view> sources) {
  std::optional<Dialect> found;
  for (std::string_view s : sources) {
    if (s.empty() || s.starts_with("file://") || s.starts_with("ent://")) continue;
    Dialect d = Url::Parse(s).dialect;
    if (found && *found != d) {
      throw InputError(
          fmt::format("cannot compare a {} schema with a {} one: give URLs of one "
                      "dialect",
                      DialectName(*found), DialectName(d)));
    }
    found = d;
  }
  if (!found) {
    throw UsageError(
        "no database URL among the sources: pass --dev-url so file:// sources can "
        "be normalized");
  }
  return *found;
}

std::unique_ptr<Conn> ConnectDev(const std::string& dev_url) {
  return dev_url.empty() ? nullptr : Connect(dev_url);
}

// --to and --dev-url, taken by the commands that bring a schema to the desired one.
void AddDesiredFlags(CLI::App& cmd, std::string& to, std::string& dev) {
  cmd.add_option("--to", to, "Desired state: database URL, file://schema.sql or ent://DIR");
  cmd.add_option("--dev-url", dev, "Clean dev database used to normalize file:// sources");
}

// The plan that turns `current` into `desired`: no statements when they are in sync.
Plan PlanToDesired(Dialect dialect, const schema::Realm& current, const schema::Realm& desired) {
  const auto changes = migrate::Diff(current, desired, migrate::DiffOptionsFor(dialect));
  if (changes.empty()) return {};
  return migrate::PlanChanges(dialect, changes,
                              {.unqualified = current.scoped && desired.scoped,
                               .indent = "",
                               .taken_names = migrate::TableNames(current, desired)});
}

// A script on stdout, its `-- comment` lines dimmed on a terminal.
void PrintScript(const std::vector<migrate::Statement>& statements) {
  const std::string script = migrate::FormatScript(statements);
  std::string out;
  for (size_t at = 0; at < script.size();) {
    size_t end = script.find('\n', at);
    end = end == std::string::npos ? script.size() : end + 1;
    const std::string_view line(script.data() + at, end - at);
    if (line.starts_with("-- ") && line.ends_with('\n')) {
      out += Styled(stdout, line.substr(0, line.size() - 1), Style::kComment) + "\n";
    } else {
      out += line;
    }
    at = end;
  }
  fmt::print("{}", out);
}

// Text output: the plan as a script, or that there is nothing to do.
void PrintPlan(const Plan& plan) {
  if (plan.statements.empty()) {
    fmt::print("Schemas are synced, no changes to be made.\n");
    return;
  }
  for (const auto& w : plan.warnings) PrintWarning(w);
  PrintScript(plan.statements);
}

// --log json output: the plan's statements and their reverse, with what cannot be reversed and
// the warnings.
nlohmann::json PlanJson(std::string_view command, const Plan& plan) {
  auto statements = [](const std::vector<migrate::Statement>& list) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& st : list) {
      nlohmann::json j = {{"sql", st.sql}, {"comment", st.comment}};
      if (st.no_tx) j["no_tx"] = true;
      out.push_back(std::move(j));
    }
    return out;
  };
  return {{"command", command},
          {"in_sync", plan.statements.empty()},
          {"statements", statements(plan.statements)},
          {"reverse", statements(plan.reverse)},
          {"irreversible", plan.irreversible},
          {"warnings", plan.warnings}};
}

}  // namespace

void AddSchemaCommands(CLI::App& app, Context& ctx) {
  CLI::App* schema = app.add_subcommand("schema", "Inspect, diff and apply database schemas");
  schema->require_subcommand(1);

  // schema inspect
  {
    struct Opts {
      std::string url, format = "sql";
    };
    auto opts = std::make_shared<Opts>();
    CLI::App* cmd = schema->add_subcommand(
        "inspect", "Print the schema of a database as SQL, JSON or a Mermaid ER diagram");
    cmd->add_option("-u,--url", opts->url, "Database URL to inspect");
    cmd->add_option("--format", opts->format, "Output format: sql, json or mermaid")
        ->check(CLI::IsMember({"sql", "json", "mermaid"}))
        ->capture_default_str();
    cmd->callback([opts, &ctx] {
      const std::string url = Required(opts->url, ctx.Env().url, "--url");
      auto conn = Connect(url);
      const schema::Realm realm = migrate::Inspect(*conn);
      WarnUnsupported(realm, "the database");
      if (opts->format == "json") {
        fmt::print("{}", schema::ToJson(realm));
      } else if (opts->format == "mermaid") {
        fmt::print("{}", schema::ToMermaid(realm));
      } else {
        migrate::PlanOptions po{.unqualified = realm.scoped, .indent = "  "};
        PrintScript(migrate::CreateStatements(conn->dialect(), realm, po));
      }
    });
  }

  // schema diff
  {
    struct Opts {
      std::string from, to, dev, log = "text";
    };
    auto opts = std::make_shared<Opts>();
    CLI::App* cmd = schema->add_subcommand(
        "diff", "Print the statements that turn the --from schema into the --to schema");
    cmd->add_option("--from", opts->from,
                    "Current state: database URL, file://schema.sql or ent://DIR");
    AddDesiredFlags(*cmd, opts->to, opts->dev);
    AddLogFlag(*cmd, opts->log);
    cmd->callback([opts, &ctx] {
      RunLogged(opts->log, "schema diff", [&] {
        std::string from = Required(opts->from, "", "--from");
        std::string to = Required(opts->to, ctx.Env().src, "--to");
        std::string dev_url = opts->dev.empty() ? ctx.Env().dev : opts->dev;
        const Dialect dialect = DialectOf({from, to, dev_url});
        migrate::AlignScopes({&from, &to, &dev_url});
        auto dev = ConnectDev(dev_url);
        const schema::Realm a = migrate::LoadState(from, dev.get());
        const schema::Realm b = migrate::LoadState(to, dev.get());
        WarnUnsupported(a, "--from");
        WarnUnsupported(b, "--to");
        const Plan plan = PlanToDesired(dialect, a, b);
        if (opts->log == "json") {
          PrintJson(PlanJson("schema diff", plan));
        } else {
          PrintPlan(plan);
        }
      });
    });
  }

  // schema apply
  {
    struct Opts {
      std::string url, to, dev, log = "text";
      bool dry_run = false, auto_approve = false;
    };
    auto opts = std::make_shared<Opts>();
    CLI::App* cmd = schema->add_subcommand(
        "apply", "Change a database so that its schema becomes the desired one");
    cmd->add_option("-u,--url", opts->url, "Database URL to change");
    AddDesiredFlags(*cmd, opts->to, opts->dev);
    cmd->add_flag("--dry-run", opts->dry_run, "Print the plan without applying it");
    cmd->add_flag("--auto-approve", opts->auto_approve, "Apply without asking for confirmation");
    AddLogFlag(*cmd, opts->log);
    cmd->callback([opts, &ctx] {
      RunLogged(opts->log, "schema apply", [&] {
        const bool json = opts->log == "json";
        std::string url = Required(opts->url, ctx.Env().url, "--url");
        std::string to = Required(opts->to, ctx.Env().src, "--to");
        std::string dev_url = opts->dev.empty() ? ctx.Env().dev : opts->dev;
        const Dialect dialect = DialectOf({url, to, dev_url});
        migrate::AlignScopes({&url, &to, &dev_url});
        auto target = Connect(url);
        auto dev = ConnectDev(dev_url);
        const schema::Realm current = migrate::Inspect(*target);
        const schema::Realm desired = migrate::LoadState(to, dev.get());
        WarnUnsupported(current, "the target database");
        WarnUnsupported(desired, "--to");
        const Plan plan = PlanToDesired(dialect, current, desired);
        nlohmann::json out = PlanJson("schema apply", plan);
        out["dry_run"] = opts->dry_run;
        out["applied"] = false;
        if (!json) PrintPlan(plan);
        if (!plan.statements.empty() && !opts->dry_run) {
          if (!opts->auto_approve) Confirm("Apply these changes?", "--auto-approve");
          const auto start = std::chrono::steady_clock::now();
          migrate::ApplyStatements(*target, plan.statements);
          const auto ms =
              std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                  .count();
          out["applied"] = true;
          out["ms"] = ms;
          if (!json) {
            fmt::print("Applied {} statement{} in {:.1f} ms.\n", plan.statements.size(),
                       plan.statements.size() == 1 ? "" : "s", ms);
          }
        }
        if (json) PrintJson(out);
      });
    });
  }

  // schema clean
  {
    struct Opts {
      std::string url;
      bool auto_approve = false;
    };
    auto opts = std::make_shared<Opts>();
    CLI::App* cmd = schema->add_subcommand(
        "clean", "Drop every object in the database (or the schema its URL is scoped to)");
    cmd->add_option("-u,--url", opts->url, "Database URL to empty");
    cmd->add_flag("--auto-approve", opts->auto_approve, "Drop without asking for confirmation");
    cmd->callback([opts, &ctx] {
      const std::string url = Required(opts->url, ctx.Env().url, "--url");
      auto conn = Connect(url);
      const schema::Realm realm = migrate::Inspect(*conn);
      size_t tables = 0;
      for (const auto& s : realm.schemas) tables += s.tables.size();
      fmt::print("{} holds {} table{} in {} schema{} and {} other object{}.\n",
                 conn->url().Redacted(), tables, tables == 1 ? "" : "s", realm.schemas.size(),
                 realm.schemas.size() == 1 ? "" : "s", realm.unsupported.size(),
                 realm.unsupported.size() == 1 ? "" : "s");
      if (!opts->auto_approve) Confirm("Drop all of it?", "--auto-approve");
      migrate::Clean(*conn);
      fmt::print("Database is clean.\n");
    });
  }
}

}  // namespace strata::cli
