#!/usr/bin/env pwsh
# MailCluster build entry point. Run with the pinned PowerShell:  dotnet tool restore; dotnet pwsh ./build.ps1 <target>
#   build   compile the solution
#   test    run every test (the same command .ci/run runs)
#   run     start one node on the embedded default (127.0.0.1:2525, data in ./data); extra args go to the node
#   bench   start a node in a temp folder and run the load generator against it (see docs/BENCHMARKS.md)
#   install pack mailctl as a .NET tool into artifacts/packages and install (or update) it globally: ~/.dotnet/tools/mailctl
param(
    [Parameter(Position = 0)][ValidateSet('build', 'test', 'run', 'bench', 'install')][string]$Target = 'build',
    [Parameter(ValueFromRemainingArguments = $true)][string[]]$Rest = @()
)
$ErrorActionPreference = 'Stop'
Set-Location $PSScriptRoot

function Invoke-Checked([string]$exe, [string[]]$arguments) {
    & $exe @arguments
    if ($LASTEXITCODE -ne 0) { throw "$exe $($arguments -join ' ') failed with exit code $LASTEXITCODE" }
}

switch ($Target) {
    'build' { Invoke-Checked dotnet @('build', 'MailCluster.sln', '-c', 'Release') }
    'test'  { Invoke-Checked dotnet @('test', 'MailCluster.sln') }
    'run'   { Invoke-Checked dotnet (@('run', '--project', 'src/MailCluster.Node', '--') + $Rest) }
    'bench' { Invoke-Checked bash (@('ops/bench.sh') + $Rest) }
    'install' {
        Invoke-Checked dotnet @('pack', 'src/MailCluster.Cli', '-c', 'Release')
        # update installs when missing and replaces an older version; the local folder is the only source it needs.
        Invoke-Checked dotnet @('tool', 'update', '--global', '--add-source', 'artifacts/packages', 'mailctl')
    }
}
