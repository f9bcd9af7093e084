package org.sacip.tools.cli;

import java.net.InetAddress;

import org.sacip.tools.filter.AddressLiteral;
import org.sacip.tools.filter.EndpointPattern;
import org.sacip.control.SessionState;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** picocli converters for the sessions filters; each failure becomes a one-line usage error. */
final class Converters {
    private Converters() {
    }

    static final class State implements ITypeConverter<SessionState> {
        @Override
        public SessionState convert(String value) {
            try {
                return SessionState.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    static final class EndpointFilter implements ITypeConverter<EndpointPattern> {
        @Override
        public EndpointPattern convert(String value) {
            try {
                return EndpointPattern.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    static final class Address implements ITypeConverter<InetAddress> {
        @Override
        public InetAddress convert(String value) {
            try {
                return AddressLiteral.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    static final class Port implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            try {
                int port = Integer.parseInt(value);
                if (port >= 0 && port <= 65535) {
                    return port;
                }
            } catch (NumberFormatException e) {
                // reported below like an out-of-range number
            }
            throw new TypeConversionException("'" + value + "' is not a port number (0-65535)");
        }
    }
}
