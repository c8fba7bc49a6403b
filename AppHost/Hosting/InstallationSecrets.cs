using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Conversations.AppHost.Hosting;

/// <summary>
/// Secrets made once per installation into the ignored <c>.data</c> folder (mode 0600): the silos' token signing key, the
/// realtime engine's API key, and the gateway's TLS certificate for 127.0.0.1 and localhost.
/// </summary>
public sealed record InstallationSecrets(string SigningKey, string EngineApiKey, string CertificatePath, string CertificateKeyPath)
{
    public static InstallationSecrets LoadOrCreate(string stateDirectory)
    {
        var secrets = Path.Combine(stateDirectory, "secrets");
        Directory.CreateDirectory(secrets);
        var signingKey = ReadOrCreate(Path.Combine(secrets, "signing-key"), () => Convert.ToBase64String(RandomNumberGenerator.GetBytes(48)));
        var engineKey = ReadOrCreate(Path.Combine(secrets, "engine-api-key"), () => "ek_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24)));
        var certificate = Path.Combine(secrets, "localhost.crt");
        var key = Path.Combine(secrets, "localhost.key");
        if (!File.Exists(certificate) || !File.Exists(key) || ExpiresSoon(certificate))
        {
            CreateCertificate(certificate, key);
        }

        return new InstallationSecrets(signingKey, engineKey, certificate, key);
    }

    private static string ReadOrCreate(string path, Func<string> create)
    {
        if (File.Exists(path) && File.ReadAllText(path).Trim() is { Length: > 0 } existing)
        {
            return existing;
        }

        var value = create();
        WritePrivate(path, value + "\n");
        return value;
    }

    /// <summary>A self-signed certificate for the loopback names; trust it by its path (NODE_EXTRA_CA_CERTS, SSL_CERT_FILE, a browser).</summary>
    private static void CreateCertificate(string certificatePath, string keyPath)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=Conversations local gateway", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(System.Net.IPAddress.Loopback);
        names.AddIpAddress(System.Net.IPAddress.IPv6Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        var now = DateTimeOffset.UtcNow;
        using var certificate = request.CreateSelfSigned(now.AddDays(-1), now.AddYears(2));
        WritePrivate(keyPath, key.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(certificatePath, certificate.ExportCertificatePem() + "\n");
    }

    private static bool ExpiresSoon(string certificatePath)
    {
        using var certificate = X509Certificate2.CreateFromPem(File.ReadAllText(certificatePath));
        return certificate.NotAfter < DateTime.Now.AddDays(30);
    }

    private static void WritePrivate(string path, string content)
    {
        using (File.Create(path))
        {
        }

        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        File.WriteAllText(path, content);
    }
}
