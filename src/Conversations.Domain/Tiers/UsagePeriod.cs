using System.Globalization;
using System.Runtime.InteropServices;

namespace Conversations.Domain.Tiers;

/// <summary>A billing period: one calendar month in UTC.</summary>
[StructLayout(LayoutKind.Auto)]
public readonly record struct UsagePeriod(int Year, int Month) : IComparable<UsagePeriod>
{
    /// <summary>The month (UTC) containing <paramref name="instant"/>.</summary>
    public static UsagePeriod For(DateTimeOffset instant)
    {
        var utc = instant.UtcDateTime;
        return new UsagePeriod(utc.Year, utc.Month);
    }

    /// <summary>First instant of the month, UTC.</summary>
    public DateTimeOffset Start => new(Year, Month, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>First instant of the next month, UTC (exclusive end).</summary>
    public DateTimeOffset End => Start.AddMonths(1);

    /// <summary>The following month.</summary>
    public UsagePeriod Next() => For(End);

    /// <summary>Whether <paramref name="instant"/> falls in this month.</summary>
    public bool Contains(DateTimeOffset instant) => instant >= Start && instant < End;

    /// <summary>Parses "yyyy-MM", the form used as the ledger key.</summary>
    public static UsagePeriod Parse(string text)
    {
        var date = DateTime.ParseExact(text, "yyyy-MM", CultureInfo.InvariantCulture, DateTimeStyles.None);
        return new UsagePeriod(date.Year, date.Month);
    }

    /// <inheritdoc/>
    public int CompareTo(UsagePeriod other) => (Year * 12 + Month).CompareTo(other.Year * 12 + other.Month);

    /// <summary>"yyyy-MM".</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Year:D4}-{Month:D2}");

    public static bool operator <(UsagePeriod left, UsagePeriod right) => left.CompareTo(right) < 0;

    public static bool operator >(UsagePeriod left, UsagePeriod right) => left.CompareTo(right) > 0;

    public static bool operator <=(UsagePeriod left, UsagePeriod right) => left.CompareTo(right) <= 0;

    public static bool operator >=(UsagePeriod left, UsagePeriod right) => left.CompareTo(right) >= 0;
}
