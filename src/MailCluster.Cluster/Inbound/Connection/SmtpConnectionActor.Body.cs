using System.Buffers;
using MailCluster.Cluster.Logging;
using MailCluster.Cluster.Metrics;
using MailCluster.Smtp.Data;
using MailCluster.Smtp.Protocol;
using MailCluster.Smtp.Session;
using static MailCluster.Cluster.Inbound.Connection.SmtpConnectionProtocol;

namespace MailCluster.Cluster.Inbound.Connection;

/// <summary>Receiving a message body: DATA (dot-stuffed) and BDAT chunks, and the faults found while reading them.</summary>
public sealed partial class SmtpConnectionActor
{
    private void ReceiveChunk(ReceiveChunkAction chunk)
    {
        ChunkBodyReader reader;
        var rate = _dataRate;
        if (chunk.RefuseAfterRead is not null)
        {
            // The octets must still be read to stay in step with the client; a negative limit stores none of them.
            reader = new ChunkBodyReader(new ArrayBufferWriter<byte>(1), -1);
        }
        else if (_chunkReader is null && _services.PendingWrites.Saturated)
        {
            // RFC 3030: the transaction has failed and the client sends no more chunks; its octets are read and dropped.
            MailClusterMetrics.StorageBusy("data");
            _session = SessionStateTable.EndTransaction(_session);
            chunk = chunk with { RefuseAfterRead = Replies.StorageBusy };
            reader = new ChunkBodyReader(new ArrayBufferWriter<byte>(1), -1);
        }
        else
        {
            if (_chunkReader is null)
            {
                _body = new ArrayBufferWriter<byte>(16 * 1024);
                _chunkReader = new ChunkBodyReader(_body, _limits.MaxMessageSize);
                rate = _dataRate = NewDataRateGuard();
            }
            reader = _chunkReader;
        }
        reader.BeginChunk(chunk.Size);
        Continue(null, async () =>
            new ChunkReceived(await _wire.ReadChunkAsync(reader, _listener.Timeouts.Data, rate ?? NewDataRateGuard()), chunk.Size, chunk.Last,
                chunk.RefuseAfterRead));
    }

    private void OnDataReceived(DataReceived received)
    {
        if (!Completed(received.Outcome)) return;
        var fault = _dataReader!.Fault;
        if (fault == DataFault.BareLineEnding)
        {
            // Nothing after a bare line ending can be trusted to be in step: refuse and hang up (as Postfix does).
            _mailLog.Warning(MailEvents.Reject, ("session_id", _sessionId), ("client_ip", _remote.Address),
                ("reason", "bare <CR> or <LF> in DATA; possible SMTP smuggling"));
            EndTransaction();
            _session = SessionStateTable.WithError(_session);
            Continue(Replies.BareLineEnding, CloseConnection);
            return;
        }
        FinishBody(fault);
    }

    private void OnChunkReceived(ChunkReceived received)
    {
        if (!Completed(received.Outcome)) return;
        if (received.Refusal is not null) { Continue(received.Refusal, ReadCommand); return; }
        if (received.Last) _chunkReader!.Complete();
        var fault = _chunkReader!.Fault;
        if (fault != DataFault.None)
        {
            var reply = fault == DataFault.BareLineEnding ? Replies.BareLineEndingInChunk : FaultReply(fault);
            _session = SessionStateTable.WithError(received.Last
                ? SessionStateTable.EndTransaction(_session)
                : _session with { Transaction = _session.Transaction! with { Chunking = ChunkingState.Failed } });
            if (received.Last) ClearBody();
            Continue(reply, ReadCommand);
            return;
        }
        if (received.Last) Store();
        else Continue(Replies.ChunkOk(received.Size), ReadCommand);
    }

    private void FinishBody(DataFault fault)
    {
        if (fault == DataFault.None) { Store(); return; }
        EndTransaction();
        _session = SessionStateTable.WithError(_session);
        Continue(FaultReply(fault), ReadCommand);
    }

    private SmtpReply FaultReply(DataFault fault) => fault switch
    {
        DataFault.TooBig => Replies.MessageTooBig(_limits.MaxMessageSize),
        DataFault.LineTooLong => Replies.MessageLineTooLong,
        _ => Replies.BareLineEndingInChunk,
    };
}
