namespace MailCluster.TestSupport.Otlp;

/// <summary>
/// Just enough of the protobuf wire format to read OTLP trace exports (no generated code: OpenTelemetry.Proto is not
/// served). Fields come as (number, wire type, value); nested messages are read by handing their bytes to a new reader.
/// </summary>
internal ref struct ProtobufReader(ReadOnlySpan<byte> data)
{
    private readonly ReadOnlySpan<byte> _data = data;
    private int _at;

    public bool Next(out int field, out int wireType)
    {
        if (_at >= _data.Length)
        {
            (field, wireType) = (0, 0);
            return false;
        }
        var tag = Varint();
        (field, wireType) = ((int)(tag >> 3), (int)(tag & 7));
        return true;
    }

    public ulong Varint()
    {
        ulong value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = _data[_at++];
            value |= (ulong)(b & 0x7f) << shift;
            if (b < 0x80) return value;
        }
    }

    public ReadOnlySpan<byte> Bytes()
    {
        var length = (int)Varint();
        var bytes = _data.Slice(_at, length);
        _at += length;
        return bytes;
    }

    public void Skip(int wireType)
    {
        switch (wireType)
        {
            case 0: Varint(); break;
            case 1: _at += 8; break;
            case 2: Bytes(); break;
            case 5: _at += 4; break;
            default: throw new InvalidDataException($"wire type {wireType}");
        }
    }
}
