using MailCluster.Cli;

// mailctl: operator tool for a MailCluster node's configuration (see MailCtl.Usage).
return await MailCtl.RunAsync(args, CliConsole.System);
