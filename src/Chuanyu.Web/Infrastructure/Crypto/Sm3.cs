using System.Buffers.Binary;
using System.Numerics;

namespace Chuanyu.Web.Infrastructure.Crypto;

/// <summary>
/// SM3 (GB/T 32905-2016) on spans, without allocating: the same digest as BouncyCastle's <c>SM3Digest</c> (a test compares
/// them on random inputs), several times faster on the draw's 100,000 short keys and its 10 MB candidate list.
/// </summary>
public static class Sm3
{
    public const int DigestBytes = 32;

    private static readonly uint[] Iv = [0x7380166f, 0x4914b2b9, 0x172442d7, 0xda8a0600, 0xa96f30bc, 0x163138aa, 0xe38dee4d, 0xb0fb0e4e];

    /// <summary>T_j rotated left by j mod 32, as the compression uses it.</summary>
    private static readonly uint[] Tj = Enumerable.Range(0, 64)
        .Select(j => BitOperations.RotateLeft(j < 16 ? 0x79cc4519u : 0x7a879d8au, j % 32)).ToArray();

    public static byte[] HashData(ReadOnlySpan<byte> data)
    {
        var digest = new byte[DigestBytes];
        HashData(data, digest);
        return digest;
    }

    public static void HashData(ReadOnlySpan<byte> data, Span<byte> digest)
    {
        if (digest.Length < DigestBytes)
        {
            throw new ArgumentException("SM3 writes 32 bytes.", nameof(digest));
        }
        Span<uint> v = stackalloc uint[8];
        Iv.CopyTo(v);
        Span<uint> w = stackalloc uint[68];
        var full = data.Length / 64 * 64;
        for (var offset = 0; offset < full; offset += 64)
        {
            Compress(v, data.Slice(offset, 64), w);
        }
        // The padding: 0x80, zeros, the length in bits (64-bit big-endian); one or two blocks.
        Span<byte> tail = stackalloc byte[128];
        tail.Clear();
        var rest = data.Length - full;
        data[full..].CopyTo(tail);
        tail[rest] = 0x80;
        var blocks = rest + 9 <= 64 ? 1 : 2;
        BinaryPrimitives.WriteUInt64BigEndian(tail.Slice(blocks * 64 - 8, 8), (ulong)data.Length * 8);
        for (var b = 0; b < blocks; b++)
        {
            Compress(v, tail.Slice(b * 64, 64), w);
        }
        for (var i = 0; i < 8; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(digest.Slice(i * 4, 4), v[i]);
        }
    }

    private static uint P0(uint x) => x ^ BitOperations.RotateLeft(x, 9) ^ BitOperations.RotateLeft(x, 17);

    private static uint P1(uint x) => x ^ BitOperations.RotateLeft(x, 15) ^ BitOperations.RotateLeft(x, 23);

    private static void Compress(Span<uint> v, ReadOnlySpan<byte> block, Span<uint> w)
    {
        for (var j = 0; j < 16; j++)
        {
            w[j] = BinaryPrimitives.ReadUInt32BigEndian(block.Slice(j * 4, 4));
        }
        for (var j = 16; j < 68; j++)
        {
            w[j] = P1(w[j - 16] ^ w[j - 9] ^ BitOperations.RotateLeft(w[j - 3], 15)) ^ BitOperations.RotateLeft(w[j - 13], 7) ^ w[j - 6];
        }
        uint a = v[0], b = v[1], c = v[2], d = v[3], e = v[4], f = v[5], g = v[6], h = v[7];
        for (var j = 0; j < 64; j++)
        {
            var a12 = BitOperations.RotateLeft(a, 12);
            var ss1 = BitOperations.RotateLeft(a12 + e + Tj[j], 7);
            var ss2 = ss1 ^ a12;
            uint ff, gg;
            if (j < 16)
            {
                ff = a ^ b ^ c;
                gg = e ^ f ^ g;
            }
            else
            {
                ff = (a & b) | (a & c) | (b & c);
                gg = (e & f) | (~e & g);
            }
            var tt1 = ff + d + ss2 + (w[j] ^ w[j + 4]);
            var tt2 = gg + h + ss1 + w[j];
            d = c;
            c = BitOperations.RotateLeft(b, 9);
            b = a;
            a = tt1;
            h = g;
            g = BitOperations.RotateLeft(f, 19);
            f = e;
            e = P0(tt2);
        }
        v[0] ^= a;
        v[1] ^= b;
        v[2] ^= c;
        v[3] ^= d;
        v[4] ^= e;
        v[5] ^= f;
        v[6] ^= g;
        v[7] ^= h;
    }
}
