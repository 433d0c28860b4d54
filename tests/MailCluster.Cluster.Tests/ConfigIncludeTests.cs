using MailCluster.Cluster.Hosting;

namespace MailCluster.Cluster.Tests;

/// <summary>HOCON include and several config files, as the node reads them at startup (real files in a temp folder).</summary>
public sealed class ConfigIncludeTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mailcluster-include-").FullName;

    private string Write(string name, string hocon)
    {
        var path = Path.Combine(_dir, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, hocon);
        return path;
    }

    private static NodeSettings Load(params string[] files)
    {
        var (user, _) = MailClusterConfig.ParseFiles(files);
        var (settings, problems) = NodeSettingsLoader.TryLoad(MailClusterConfig.Layer(user), user);
        Assert.True(settings is not null, string.Join("\n", problems));
        return settings;
    }

    [Fact]
    public void An_include_is_read_relative_to_the_including_file_and_later_keys_override_it()
    {
        Write("conf.d/base.conf", """
            mailcluster {
              hostname = "base.example"
              local-domains = ["base.example"]
              data-dir = "/tmp/from-base"
            }
            """);
        var node = Write("conf.d/node.conf", """
            include "base.conf"
            mailcluster.hostname = "node1.example"
            """);
        var settings = Load(node);
        Assert.Equal("node1.example", settings.HostName);
        Assert.Equal("/tmp/from-base", settings.DataDir);
    }

    [Fact]
    public void Later_config_files_override_earlier_ones_and_see_their_keys()
    {
        var first = Write("a.conf", "mailcluster { hostname = \"a.example\", data-dir = \"/tmp/a\" }");
        var second = Write("b.conf", "mailcluster { hostname = \"b.example\", local-domains = [${mailcluster.hostname}] }");
        var settings = Load(first, second);
        Assert.Equal("b.example", settings.HostName);
        Assert.Equal("/tmp/a", settings.DataDir);
    }

    [Fact]
    public void Nested_includes_file_and_required_forms_and_an_optional_environment_override_all_work()
    {
        Write("inner.conf", "mailcluster.data-dir = \"/tmp/inner\"\nmailcluster.data-dir = ${?MAILCLUSTER_INCLUDE_TEST_SURELY_UNSET}");
        Write("middle.conf", "include file(\"inner.conf\")\nmailcluster.hostname = \"middle.example\"");
        var top = Write("top.conf", "include required(file(\"middle.conf\"))  # the shared part\n");
        var settings = Load(top);
        Assert.Equal("/tmp/inner", settings.DataDir);
        Assert.Equal("middle.example", settings.HostName);
    }

    [Fact]
    public void A_missing_optional_include_is_a_warning_and_a_missing_required_one_an_error_with_file_and_line()
    {
        var optional = Write("optional.conf", "mailcluster.hostname = \"x.example\"\ninclude \"local-overrides.conf\"");
        var (_, warnings) = MailClusterConfig.ParseFiles([optional]);
        var warning = Assert.Single(warnings);
        Assert.Equal((ProblemSeverity.Warning, $"{optional}:2"), (warning.Severity, warning.Path));

        var required = Write("required.conf", "mailcluster.hostname = \"x.example\"\ninclude required(\"secrets.conf\")");
        var ex = Assert.Throws<ConfigValidationException>(() => MailClusterConfig.ParseFiles([required]));
        Assert.Contains(ex.Problems, p => p.Severity == ProblemSeverity.Error && p.Path == $"{required}:2" && p.Reason.Contains("secrets.conf"));
    }

    [Fact]
    public void A_syntax_error_in_an_included_file_names_that_file_and_line()
    {
        Write("broken.conf", "mailcluster {\n  hostname = \n}");
        var top = Write("top.conf", "include \"broken.conf\"");
        var ex = Assert.Throws<ConfigValidationException>(() => MailClusterConfig.ParseFiles([top]));
        Assert.Contains(ex.Problems, p => p.Path.EndsWith("broken.conf:2", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("include \"loop.conf\"", "includes itself")]
    [InlineData("include url(\"https://config.example/mail.conf\")", "only files can be included")]
    [InlineData("include classpath(\"x.conf\")", "only files can be included")]
    [InlineData("include required(\"a.conf\" ", "cannot read this include")]
    public void Cycles_urls_and_malformed_includes_are_errors(string line, string reason)
    {
        var file = Write("loop.conf", line);
        var ex = Assert.Throws<ConfigValidationException>(() => MailClusterConfig.ParseFiles([file]));
        Assert.Contains(ex.Problems, p => p.Path == $"{file}:1" && p.Reason.Contains(reason));
    }

    [Fact]
    public void Text_that_is_not_a_file_may_not_include_files()
    {
        // The admin API parses request bodies: a body must not make the node read its files.
        var ex = Assert.Throws<ConfigValidationException>(() => MailClusterConfig.Parse("include \"/etc/passwd\"", "request"));
        Assert.Contains(ex.Problems, p => p.Path == "request:1" && p.Reason.Contains("only read in config files"));
    }

    [Fact]
    public void A_missing_config_file_is_an_error_naming_it()
    {
        var missing = Path.Combine(_dir, "nope.conf");
        var ex = Assert.Throws<ConfigValidationException>(() => MailClusterConfig.ParseFiles([missing]));
        Assert.Contains(ex.Problems, p => p.Path == missing && p.Reason.Contains("does not exist"));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
