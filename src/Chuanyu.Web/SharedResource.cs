namespace Chuanyu.Web;

/// <summary>
/// Marker for the UI strings: Resources/SharedResource.resx holds Simplified Chinese (the default and the fallback),
/// Resources/SharedResource.en.resx holds English. It sits in the root namespace so the resource names line up.
/// </summary>
public sealed class SharedResource;
